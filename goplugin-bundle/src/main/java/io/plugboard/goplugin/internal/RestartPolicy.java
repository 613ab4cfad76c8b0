package io.plugboard.goplugin.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides what happens when a plugin process ends without being asked to: restart it after an
 * exponential backoff, or give up. A restart budget (at most {@code maxRestarts} restarts within
 * {@code window}) turns a plugin that keeps dying into a failed one instead of restarting it
 * forever.
 *
 * <p>The backoff doubles from {@code firstDelay} up to {@code maxDelay} with every end that comes
 * soon after a start; a process that ran at least {@code window} resets it, so a plugin that dies
 * once a day is restarted quickly each time.
 *
 * <p>Not thread-safe: one supervisor calls it from its own thread.
 */
final class RestartPolicy {

    /** The descriptor's {@code restart} key. */
    enum Mode {
        /** Restart after every end we did not ask for, even exit code 0. */
        ALWAYS("always"),
        /** Restart after a failure (non-zero exit code, a signal, failed health checks, a failed start); exit code 0 stops it. */
        ON_FAILURE("on-failure"),
        /** Never restart. */
        NEVER("never");

        private final String word;

        Mode(String word) {
            this.word = word;
        }

        /** The descriptor's spelling. */
        String word() {
            return word;
        }

        /** Returns the mode the word names, or null. */
        static Mode of(String word) {
            for (Mode mode : values()) {
                if (mode.word.equals(word.toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            return null;
        }
    }

    /**
     * The numbers of the backoff and the budget.
     *
     * @param firstDelay the delay before the first restart
     * @param maxDelay the longest delay
     * @param maxRestarts how many restarts the window allows
     * @param window the window of the budget, and the run time after which the backoff starts over
     */
    record Limits(Duration firstDelay, Duration maxDelay, int maxRestarts, Duration window) {

        /** 200 ms doubling up to 10 s; at most 5 restarts in 60 s. */
        static final Limits DEFAULT = new Limits(Duration.ofMillis(200), Duration.ofSeconds(10), 5,
                Duration.ofSeconds(60));

        Limits {
            if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || maxRestarts < 0
                    || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("inconsistent restart limits " + firstDelay + ", " + maxDelay
                        + ", " + maxRestarts + ", " + window);
            }
        }
    }

    /** What to do about an end. */
    sealed interface Decision permits Restart, GiveUp, Done {
    }

    /**
     * Start again after the delay.
     *
     * @param delay how long to wait first
     * @param restartsInWindow this restart's number within the budget's window, from 1
     */
    record Restart(Duration delay, int restartsInWindow) implements Decision {
    }

    /** Do not restart: the plugin failed; the reason says why, for the log and {@code describe}. */
    record GiveUp(String reason) implements Decision {
    }

    /** Do not restart: the plugin ended cleanly and the mode does not restart a clean end. */
    record Done(String reason) implements Decision {
    }

    private final Mode mode;
    private final Limits limits;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    private int soonEnds;

    RestartPolicy(Mode mode, Limits limits) {
        this.mode = mode;
        this.limits = limits;
    }

    /** The mode. */
    Mode mode() {
        return mode;
    }

    /**
     * Decides about an end.
     *
     * @param failure whether the end is a failure (anything but exit code 0: a signal, failed health checks, a start that failed)
     * @param ranFor how long the process ran (zero for a start that failed)
     * @param now the time of the end
     * @param lastEnd the end in words, for the reason, e.g. {@code exit code 2} or {@code killed by SIGKILL},
     *        without its stderr line (the supervisor adds that where the stderr lines are not shown apart)
     */
    Decision onEnd(boolean failure, Duration ranFor, Instant now, String lastEnd) {
        if (mode == Mode.NEVER) {
            return failure ? new GiveUp("ended (" + lastEnd + ") and restart is never")
                    : new Done("ended by itself (" + lastEnd + ") and restart is never");
        }
        if (mode == Mode.ON_FAILURE && !failure) {
            return new Done("ended by itself (" + lastEnd + ") and restart on-failure does not restart a clean exit");
        }
        Instant windowStart = now.minus(limits.window());
        while (!restarts.isEmpty() && !restarts.peekFirst().isAfter(windowStart)) {
            restarts.removeFirst();
        }
        if (restarts.size() >= limits.maxRestarts()) {
            return new GiveUp("restarted " + restarts.size() + " times in " + Durations.words(limits.window())
                    + ", last exit " + lastEnd);
        }
        if (ranFor.compareTo(limits.window()) >= 0) {
            soonEnds = 0;
        }
        Duration delay = backoff(soonEnds);
        soonEnds++;
        restarts.addLast(now);
        return new Restart(delay, restarts.size());
    }

    /** Forgets the past ends: the next end restarts after the first delay with the whole budget. */
    void reset() {
        restarts.clear();
        soonEnds = 0;
    }

    /** The delay after {@code previous} ends that came soon after their starts. */
    Duration backoff(int previous) {
        Duration delay = limits.firstDelay();
        for (int i = 0; i < previous && delay.compareTo(limits.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }
}
