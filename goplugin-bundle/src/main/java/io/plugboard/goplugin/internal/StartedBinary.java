package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The binary one instance was started from, kept open so that its SHA-256 can be taken later, off
 * the start path, even after the file at the path was replaced: a replacement (a rename over it,
 * or delete and create) makes a new file, and the open one still reads the old bytes. An
 * executable cannot be overwritten in place while a process runs it (ETXTBSY), but a script can,
 * and the open file then shows the new bytes: a change in place before the hash makes the started
 * bytes unknown ({@link #sha256} says so). The hash is taken only when asked for: at the start
 * only when the descriptor pins one (go-plugin's SecureConfig does the same), else by
 * {@link BinaryWatch}'s first poll, or when {@code describe} shows it. Thread-safe.
 */
final class StartedBinary implements AutoCloseable {

    /** What a stat shows of a file; a rename gives a new file key even with equal size and time. */
    record Stat(long size, long modifiedMillis, Object fileKey) {

        /** The file's stat, or null when it cannot be read (missing, mid-replacement). */
        static Stat of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stat(attributes.size(), attributes.lastModifiedTime().toMillis(),
                        Objects.requireNonNullElse(attributes.fileKey(), ""));
            } catch (IOException e) {
                return null;
            }
        }
    }

    private final Path path;
    private final FileChannel file;
    private final Stat stat;
    private String sha256;
    private boolean closed;

    private StartedBinary(Path path, FileChannel file, Stat stat) {
        this.path = path;
        this.file = file;
        this.stat = stat;
    }

    /** Opens the binary about to be started and takes its stat; cheap (no reading). */
    static StartedBinary open(Path binary) throws IOException {
        FileChannel file = FileChannel.open(binary, StandardOpenOption.READ);
        try {
            return new StartedBinary(binary, file, Stat.of(binary));
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /** The path it was started from. */
    Path path() {
        return path;
    }

    /** Its stat when it was started (null if the stat failed then). */
    Stat stat() {
        return stat;
    }

    /**
     * The SHA-256 of the started binary as 64 lowercase hex digits, read from the open file the
     * first time (kv-go's 8.1 MiB take about 8 ms) and kept.
     *
     * @throws IOException when it cannot be read, was closed before it was hashed, or was changed
     *         in place (same file, other size or time) before it was hashed: the open file shows
     *         the new bytes then, and the started ones are lost
     */
    synchronized String sha256() throws IOException {
        if (sha256 == null) {
            if (closed) {
                throw new IOException(path + " was not hashed while its instance ran");
            }
            requireUnchangedInPlace();
            String taken = Hashes.sha256(file);
            requireUnchangedInPlace(); // a write while it was read
            sha256 = taken;
        }
        return sha256;
    }

    /** Fails if the path still names the started file but its size or time changed; a replaced or deleted one is fine. */
    private void requireUnchangedInPlace() throws IOException {
        Stat now = Stat.of(path);
        if (stat == null || now != null && now.fileKey().equals(stat.fileKey()) && !now.equals(stat)) {
            throw new IOException(path + " was changed in place before it was hashed");
        }
    }

    /** The SHA-256 if it was taken already, else null; never reads. */
    synchronized String knownSha256() {
        return sha256;
    }

    /** Closes the open file; a hash taken before stays known. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            file.close();
        } catch (IOException e) {
            // Nothing was written; there is nothing to lose.
        }
    }
}
