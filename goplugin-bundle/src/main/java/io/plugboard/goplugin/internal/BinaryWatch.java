package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import io.plugboard.goplugin.internal.StartedBinary.Stat;

/**
 * Notices that a plugin's binary was replaced by a different, complete one. Polled (a stat per
 * poll, cheap) rather than a WatchService: one thread per watched folder would cost more than
 * it saves, and a binary is replaced rarely. The baseline is the stat the running instance was
 * started with; a changed file counts once it looked the same at two polls in a row (the writer
 * is done with it); only then is it hashed, once, and compared with the running binary's hash
 * (which {@link StartedBinary} takes from the file it kept open, even after a rename replaced it).
 * The first poll that finds the started file unchanged hashes it, off the start path; a touch
 * without new content after that changes the stat but not the hash, and is not reported. A touch
 * or rewrite in place before that first poll cannot be told from new content (the open file
 * shows the new bytes) and counts as a change: one needless replacement at worst. A change after
 * the instance was released unhashed (it ended) counts too: it may bring a failed plugin back.
 * Not thread-safe: the supervisor polls it from its thread.
 */
final class BinaryWatch {

    private final Path binary;
    private final StartedBinary running;
    private Stat seen;
    private Stat checked;

    /** Watches the binary the running instance was started from, against its stat at that start. */
    BinaryWatch(StartedBinary running) {
        this.binary = running.path();
        this.running = running;
        this.seen = running.stat();
        this.checked = seen;
    }

    /**
     * Looks at the binary once; returns its new SHA-256 when it is different from the running
     * one's and was unchanged since the previous poll. Each version is reported at most once.
     */
    Optional<String> poll() {
        Stat now = Stat.of(binary);
        if (now == null || !now.equals(seen)) {
            // Missing (mid-replacement) or still changing: wait for it to settle.
            seen = now;
            return Optional.empty();
        }
        if (now.equals(checked)) {
            if (now.equals(running.stat()) && running.knownSha256() == null) {
                // Still the started file: hash it now, off the start path, so that a later touch
                // (same file, new time) can be told from new content.
                runningSha256();
            }
            return Optional.empty();
        }
        checked = now;
        String sha256;
        try {
            sha256 = Hashes.sha256(binary);
        } catch (IOException e) {
            // Gone or unreadable between the stat and the read: the next change is looked at again.
            checked = null;
            seen = null;
            return Optional.empty();
        }
        return sha256.equals(runningSha256()) ? Optional.empty() : Optional.of(sha256);
    }

    /** The running binary's hash; null (so any settled change counts) if it is no longer known. */
    private String runningSha256() {
        try {
            return running.sha256();
        } catch (IOException e) {
            return null;
        }
    }
}
