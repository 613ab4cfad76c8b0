package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Which descriptor file each go-plugin name last ran from, kept across restarts in
 * {@code <work root>/plugin-names.properties}. Two descriptors may declare one name; the second
 * is refused while the first runs. At a start-up the folder hands them over in no set order, so
 * without this record the one that ran before the restart could lose its name to the other (with
 * another program, arguments or working folder: another store). A recorded file keeps the name
 * only while it is in the watched folder: a folder copied, bind-mounted or linked and watched
 * at its new path leaves the old files where they were, and those could never leave to give the
 * name back. Thread-safe.
 */
final class NameOwners {

    static final String FILE_NAME = "plugin-names.properties";

    private final Path file;
    // Null when no folder is watched: then any recorded file keeps its name.
    private final Path watchedFolder;
    private final Properties owners = new Properties();

    /**
     * Reads the record in the work root; none (or an unreadable one) is an empty record.
     *
     * @param watchedFolder the plugins folder watched now, or null if none is
     */
    NameOwners(Path workRoot, Path watchedFolder) {
        this.file = workRoot.resolve(FILE_NAME);
        this.watchedFolder = watchedFolder == null ? null : watchedFolder.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(file)) {
            owners.load(in);
        } catch (IOException e) {
            // None yet, or unreadable: every name is free, as before any record was kept.
        }
    }

    /** The descriptor the name last ran from, if recorded. */
    synchronized Optional<Path> of(String name) {
        return Optional.ofNullable(owners.getProperty(name)).map(Path::of);
    }

    /**
     * The descriptor that keeps the name from {@code contender}: the one the name last ran from,
     * if that is another file (real paths compared: a linked folder's file is the file itself)
     * in the watched folder (its path or its real path). Empty if the name is free for it.
     */
    synchronized Optional<Path> keeperAgainst(String name, Path contender) {
        Optional<Path> owner = of(name);
        if (owner.isEmpty() || sameFile(owner.get(), contender) || !inWatchedFolder(owner.get())) {
            return Optional.empty();
        }
        return owner;
    }

    private boolean inWatchedFolder(Path descriptor) {
        if (watchedFolder == null) {
            return true;
        }
        Path parent = descriptor.toAbsolutePath().normalize().getParent();
        return watchedFolder.equals(parent) || (parent != null && real(watchedFolder).equals(real(parent)));
    }

    private static boolean sameFile(Path a, Path b) {
        return a.equals(b) || real(a).equals(real(b));
    }

    // The path with every link resolved; as it is (absolute) if it cannot be (gone, say).
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** The name now runs from the descriptor. */
    synchronized void ranFrom(String name, Path descriptor) {
        if (!descriptor.toString().equals(owners.getProperty(name))) {
            owners.setProperty(name, descriptor.toString());
            save();
        }
    }

    /** The descriptor no longer runs the name (uninstalled, its file gone, or it names another now). */
    synchronized void left(String name, Path descriptor) {
        if (descriptor.toString().equals(owners.getProperty(name))) {
            owners.remove(name);
            save();
        }
    }

    /** Written whole and moved into place; a record that cannot be written only costs the preference. */
    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(FILE_NAME + ".tmp");
            try (OutputStream out = Files.newOutputStream(next)) {
                owners.store(out, "The descriptor each go-plugin name last ran from (kept by Plugboard)");
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The next start-up may then let another descriptor of the name win, as without a record.
        }
    }
}
