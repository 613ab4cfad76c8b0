package io.plugboard.host.internal.deploy;

/**
 * Timing of the watched folder.
 *
 * @param settleMillis how long a file's size and time must stay the same before it counts as complete
 * @param rescanMillis period of the safety rescan that catches anything events missed; 0 for none
 * @param invalidGraceMillis how long a settled file may stay invalid before it is reported, so a
 *        writer that pauses mid-file does not cause a false warning
 * @param watchEvents whether to use the WatchService at all (false only in tests of the rescan)
 */
record WatchSettings(long settleMillis, long rescanMillis, long invalidGraceMillis, boolean watchEvents) {

    /** Settings derived from the settle time, with the given rescan period. */
    static WatchSettings of(long settleMillis, long rescanMillis) {
        return new WatchSettings(settleMillis, rescanMillis, Math.max(500, 10 * settleMillis), true);
    }
}
