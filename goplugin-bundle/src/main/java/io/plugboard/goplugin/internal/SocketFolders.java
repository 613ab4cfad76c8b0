package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who owns a plugin's socket folder. Each folder gets an {@value #OWNER_FILE} file naming the
 * host process (pid and start time), so that a later host can remove the folders of a host that
 * was killed with SIGKILL (its plugins die with it, see the launcher, but nothing removes their
 * sockets). A folder whose owner still runs, or that has no owner file, is left alone: the
 * socket root is shared (by default it is the temporary folder).
 */
final class SocketFolders {

    /** Socket folders are named {@code pb<random>}. */
    static final String PREFIX = "pb";

    static final String OWNER_FILE = "owner";

    private SocketFolders() {
    }

    /** Writes this process as the folder's owner. */
    static void markOwned(Path folder) throws IOException {
        Files.writeString(folder.resolve(OWNER_FILE), Self.OWNER, StandardCharsets.UTF_8);
    }

    /**
     * This process's owner line, taken once: reading a process's start time goes through several
     * {@code /proc} files (0.1-0.2 ms, on every start otherwise), and it cannot change. A string
     * pins no class loader.
     */
    private static final class Self {
        static final String OWNER = ownerOf(ProcessHandle.current());
    }

    /** {@code <pid> <start time in epoch ms, or ?>}: the start time tells a reused pid apart. */
    static String ownerOf(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(start -> Long.toString(start.toEpochMilli()))
                .orElse("?");
    }

    /**
     * Removes the socket folders in {@code root} whose owner no longer runs; returns what it
     * removed. A root that does not exist yet has none.
     */
    static List<Path> removeStale(Path root) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path folder : folders) {
                Optional<String> owner = owner(folder);
                if (owner.isPresent() && !running(owner.get())) {
                    ProcessInstance.deleteTree(folder);
                    if (!Files.exists(folder)) {
                        removed.add(folder);
                    }
                }
            }
        } catch (IOException e) {
            // Best effort, as for any temporary file: a folder that cannot be read now stays.
        }
        return removed;
    }

    /** The folder's owner line; empty without a readable owner file (another user's, or an older host's): left alone. */
    private static Optional<String> owner(Path folder) {
        Path owner = folder.resolve(OWNER_FILE);
        try {
            return Files.isRegularFile(owner) ? Optional.of(Files.readString(owner, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the process an owner line names still runs (the same process: same pid and start time). */
    static boolean running(String ownerLine) {
        String[] parts = ownerLine.split(" ");
        long pid;
        try {
            pid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        if (parts.length < 2 || parts[1].equals("?")) {
            return true;
        }
        Optional<Instant> start = process.get().info().startInstant();
        return start.isEmpty() || Long.toString(start.get().toEpochMilli()).equals(parts[1]);
    }
}
