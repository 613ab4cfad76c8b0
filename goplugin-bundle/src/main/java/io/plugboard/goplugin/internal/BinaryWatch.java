package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.plugboard.goplugin.internal.StartedBinary.Stat;

/**
 * Notices that a plugin's binary was replaced by a different, complete one. Polled (a stat per
 * poll, cheap) rather than a WatchService: one thread per watched folder would cost more than
 * it saves, and a binary is replaced rarely. The baseline is the stat the running instance was
 * started with; a changed file counts once it looked the same at two polls in a row (the writer
 * is done with it); only then is it hashed, once, and compared (see the rule below). The running
 * binary's hash {@link StartedBinary} takes from the file it kept open, even after a rename
 * replaced it. The first poll that finds the started file unchanged hashes it, off the start path;
 * a touch without new content after that changes the stat but not the hash, and is not reported.
 * A touch or rewrite in place before that first poll cannot be told from new content (the open
 * file shows the new bytes) and counts as a change: one needless replacement at worst.
 *
 * <p><b>The rule.</b> A settled version is reported when its hash differs from
 * <ul>
 * <li>the running instance's, while that instance serves (SERVING): a binary that comes back to
 * the bytes that serve is no change, so the serving instance is never replaced for nothing; a
 * version that failed to start as a replacement is not tried again, unless it is written again;
 * <li>the version this watch looked at last, once no instance serves (RESTARTING, FAILED, STOPPED
 * by itself): the restarts since started whatever was at the path, so the bytes that last served
 * are no baseline any more. Putting the good binary back after a broken one made the plugin give
 * up is a change, and brings it back; a touch, or the same broken bytes written again, is not.
 * Before this watch hashed any version the running instance's hash stands in; if that is unknown
 * too (it ended before the first poll), any settled change counts: one needless start at worst.
 * A binary made executable again (its mode only) also counts once no instance serves: the
 * restarts may have failed because it was not.
 * </ul>
 * Not thread-safe: the supervisor polls it from its thread.
 */
final class BinaryWatch {

    private final Path binary;
    private final StartedBinary running;
    private Stat seen;
    private Stat checked;
    // The hash of the version at the path this watch hashed last, reported or not; null before.
    private String lastLookedAt;
    // Whether the binary could be executed at the last poll (it was, when the instance started).
    private boolean wasExecutable = true;

    /** Watches the binary the running instance was started from, against its stat at that start. */
    BinaryWatch(StartedBinary running) {
        this.binary = running.path();
        this.running = running;
        this.seen = running.stat();
        this.checked = seen;
    }

    /**
     * Looks at the binary once; returns its new SHA-256 when it was unchanged since the previous
     * poll and differs from the baseline the class comment's rule names. Each version is reported
     * at most once.
     *
     * @param serving whether the instance this watch was made for still serves; false once it
     *        ended (restarting, failed, stopped by itself)
     */
    Optional<String> poll(boolean serving) {
        boolean executable = Files.isExecutable(binary);
        boolean madeExecutable = executable && !wasExecutable;
        wasExecutable = executable;
        if (madeExecutable && !serving) {
            // chmod +x after starts failed with "not executable": the same bytes are now a
            // program that can run, which its hash alone (a mode is no content) would not show.
            return sha256Now();
        }
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
        String baseline = serving || lastLookedAt == null ? runningSha256() : lastLookedAt;
        lastLookedAt = sha256;
        return sha256.equals(baseline) ? Optional.empty() : Optional.of(sha256);
    }

    /** The binary's hash now, as the version looked at last; empty if it cannot be read. */
    private Optional<String> sha256Now() {
        try {
            lastLookedAt = Hashes.sha256(binary);
            return Optional.of(lastLookedAt);
        } catch (IOException e) {
            return Optional.empty();
        }
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
