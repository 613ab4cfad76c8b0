package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Notices that a plugin's binary was replaced by a different, complete one. Polled (a stat per
 * poll, cheap) rather than a WatchService: one thread per watched folder would cost more than
 * it saves, and a binary is replaced rarely. A changed file counts once it looked the same at two
 * polls in a row (the writer is done with it); only then is it hashed, once, and reported if its
 * SHA-256 differs from the running one's. Not thread-safe: the supervisor polls it from its thread.
 */
final class BinaryWatch {

    /** What a stat shows of the file; a rename gives a new file key even with equal size and time. */
    private record Stat(long size, long modifiedMillis, Object fileKey) {
    }

    private final Path binary;
    private final String runningSha256;
    private Stat seen;
    private Stat checked;

    /** Watches the binary, whose content now (hashed when the running instance started) is {@code runningSha256}. */
    BinaryWatch(Path binary, String runningSha256) {
        this.binary = binary;
        this.runningSha256 = runningSha256;
        this.seen = stat();
        this.checked = seen;
    }

    /**
     * Looks at the binary once; returns its new SHA-256 when it is different from the running
     * one's and was unchanged since the previous poll. Each version is reported at most once.
     */
    Optional<String> poll() {
        Stat now = stat();
        if (now == null || !now.equals(seen)) {
            // Missing (mid-replacement) or still changing: wait for it to settle.
            seen = now;
            return Optional.empty();
        }
        if (now.equals(checked)) {
            return Optional.empty();
        }
        checked = now;
        try {
            String sha256 = Hashes.sha256(binary);
            return sha256.equals(runningSha256) ? Optional.empty() : Optional.of(sha256);
        } catch (IOException e) {
            // Gone or unreadable between the stat and the read: the next change is looked at again.
            checked = null;
            seen = null;
            return Optional.empty();
        }
    }

    private Stat stat() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(binary, BasicFileAttributes.class);
            return new Stat(attributes.size(), attributes.lastModifiedTime().toMillis(),
                    Objects.requireNonNullElse(attributes.fileKey(), ""));
        } catch (IOException e) {
            return null;
        }
    }
}
