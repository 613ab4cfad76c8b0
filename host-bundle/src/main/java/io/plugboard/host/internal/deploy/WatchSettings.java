package io.plugboard.host.internal.deploy;

/**
 * Timing of the watched folder. There is no settle delay: a file is judged by its content as
 * soon as an event (or a rescan) names it.
 *
 * @param rescanMillis period of the safety rescan that catches anything events missed; 0 for none
 * @param corruptMillis how long a file must stay invalid and unchanged before it is reported as
 *        incomplete or corrupt, so a writer that pauses briefly mid-file causes no false report
 * @param watchEvents whether to use the WatchService at all (false only in tests of the rescan)
 * @param goneMillis how long the file of an installed plugin of a kind edited by hand (a
 *        descriptor, see {@link FileKind#isDescriptor}) may be gone before its plugin is
 *        uninstalled: editors save by moving the file away and writing it anew, and a save is an
 *        update of the plugin, not its removal and a new install; 0 uninstalls at once
 */
record WatchSettings(long rescanMillis, long corruptMillis, boolean watchEvents, long goneMillis) {

    /** Settings that watch events and uninstall at once, with the given rescan period and corrupt-report delay. */
    WatchSettings(long rescanMillis, long corruptMillis, boolean watchEvents) {
        this(rescanMillis, corruptMillis, watchEvents, 0);
    }

    /** Settings that watch events, with the given rescan period and corrupt-report delay. */
    static WatchSettings of(long rescanMillis, long corruptMillis) {
        return new WatchSettings(rescanMillis, corruptMillis, true);
    }

    /** The same settings with the given delay before a plugin whose file is gone is uninstalled. */
    WatchSettings withGoneMillis(long millis) {
        return new WatchSettings(rescanMillis, corruptMillis, watchEvents, millis);
    }
}
