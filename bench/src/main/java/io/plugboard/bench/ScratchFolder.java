package io.plugboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the goplugin scenario's plugins keep their files: on tmpfs ({@code /dev/shm}) when there
 * is one, so that kv-go's fsyncs cost nothing and the figures are the hosts', not the disk's;
 * otherwise in {@code java.io.tmpdir}, said in {@link #where()}.
 *
 * @param dir a fresh folder, to be deleted when done
 * @param tmpfs whether it is on tmpfs
 * @param where a description for the report
 */
record ScratchFolder(Path dir, boolean tmpfs, String where) {

    private static final Path SHM = Path.of("/dev/shm");
    private static final String PREFIX = "plugboard-bench-gp";

    /** A fresh folder on /dev/shm, else in java.io.tmpdir. */
    static ScratchFolder create() throws IOException {
        String shmProblem = problem(SHM);
        if (shmProblem == null) {
            return new ScratchFolder(Files.createTempDirectory(SHM, PREFIX), true, "tmpfs (" + SHM + ")");
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        boolean tmpfs = "tmpfs".equals(type(tmp));
        return new ScratchFolder(Files.createTempDirectory(tmp, PREFIX), tmpfs, tmp + " (" + type(tmp)
                + "; " + SHM + " " + shmProblem + (tmpfs ? ")" : "): kv-go's fsyncs per Put are in the Put+Get figures"));
    }

    /** Why the folder cannot take the plugins' files, or null when it can. */
    private static String problem(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "does not exist";
        }
        if (!Files.isWritable(dir)) {
            return "is not writable";
        }
        String type = type(dir);
        return "tmpfs".equals(type) ? null : "is " + type + ", not tmpfs";
    }

    private static String type(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown file system";
        }
    }
}
