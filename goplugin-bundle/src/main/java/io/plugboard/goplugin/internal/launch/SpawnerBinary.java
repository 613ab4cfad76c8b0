package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where plugboard-spawner comes from: the goplugin bundle carries the static Linux amd64 binary as
 * a resource beside this class (go-plugins builds it; the pom copies it in), and it is written once
 * into a folder of the bundle's data, executable by the owner only, and reused while it has the
 * same bytes as the resource.
 */
final class SpawnerBinary {

    /** The resource, relative to this class. */
    static final String RESOURCE = "linux-amd64/plugboard-spawner";

    /** Its file name once unpacked. */
    static final String FILE = "plugboard-spawner";

    /** Gives the binary to run; a source may clean up after the spawner has started from it. */
    interface Source {

        /**
         * The binary, ready to execute.
         *
         * @throws IOException naming why there is none
         */
        Path binary() throws IOException;

        /** Called once the spawner started (or failed to) from the binary; the file may go then. */
        default void release(Path binary) {
        }
    }

    private SpawnerBinary() {
    }

    /** Unpacks into the folder (made if missing), or reuses the copy there if it has the same bytes. */
    static Source in(Path folder) {
        return () -> unpack(resource(), folder);
    }

    /**
     * Unpacks into a fresh private temporary folder, removed as soon as the spawner started (a running
     * program needs no file): for launchers that have no data folder (tests, the benchmark).
     */
    static Source temporary() {
        return new Source() {
            @Override
            public Path binary() throws IOException {
                byte[] bytes = resource();
                return unpack(bytes, Files.createTempDirectory("plugboard-spawner"));
            }

            @Override
            public void release(Path binary) {
                try {
                    Files.deleteIfExists(binary);
                    Files.deleteIfExists(binary.getParent());
                } catch (IOException ignored) {
                    // A leftover file in the temporary folder harms nothing.
                }
            }
        };
    }

    /** Why this system cannot run the binary, or null when it can. */
    static String unsupported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !arch.equals("amd64") && !arch.equals("x86_64")) {
            return "plugboard-spawner is built for Linux amd64 only, and this is " + os + " " + arch;
        }
        return null;
    }

    private static byte[] resource() throws IOException {
        try (InputStream in = SpawnerBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the goplugin bundle has no " + RESOURCE + " beside "
                        + SpawnerBinary.class.getName() + " (go-plugins builds it; was the bundle built without it?)");
            }
            return in.readAllBytes();
        }
    }

    /** Writes the bytes to folder/plugboard-spawner unless a file with exactly these bytes is there. */
    static Path unpack(byte[] bytes, Path folder) throws IOException {
        Path target = folder.resolve(FILE);
        if (sameBytes(target, bytes) && Files.isExecutable(target)) {
            return target;
        }
        Files.createDirectories(folder);
        // A new file renamed into place: a spawner running from the old one keeps it, and another
        // JVM unpacking into the same folder at the same time cannot see a half-written file.
        Path temp = Files.createTempFile(folder, FILE, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    private static boolean sameBytes(Path file, byte[] bytes) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == bytes.length
                    && Arrays.equals(Files.readAllBytes(file), bytes);
        } catch (IOException e) {
            return false;
        }
    }
}
