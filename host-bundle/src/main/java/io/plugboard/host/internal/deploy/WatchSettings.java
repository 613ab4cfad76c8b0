package io.plugboard.host.internal.deploy;

/**
 * Timing of the watched folder. There is no settle delay: a file is judged by its content as
 * soon as an event (or a rescan) names it.
 *
 * @param rescanMillis period of the safety rescan that catches anything events missed; 0 for none
 * @param corruptMillis how long a file must stay invalid and unchanged before it is reported as
 *        incomplete or corrupt, so a writer that pauses briefly mid-file causes no false report
 * @param watchEvents whether to use the WatchService at all (false only in tests of the rescan)
 */
record WatchSettings(long rescanMillis, long corruptMillis, boolean watchEvents) {

    /** Settings that watch events, with the given rescan period and corrupt-report delay. */
    static WatchSettings of(long rescanMillis, long corruptMillis) {
        return new WatchSettings(rescanMillis, corruptMillis, true);
    }
}
