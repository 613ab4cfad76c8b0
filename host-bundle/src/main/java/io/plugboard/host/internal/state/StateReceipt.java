package io.plugboard.host.internal.state;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * That a plugin took over handed-over state: from which version and bundle, how many bytes, how
 * and when. Plain values only, so a receipt pins no plugin class loader.
 *
 * @param pluginName the plugin that took the state over (and whose state it was)
 * @param fromVersion the version that handed it over
 * @param fromBundleId the bundle that handed it over: the same bundle for an update in place
 * @param bytes the size of the state
 * @param how how it came: from the store after an update in place, from a version running side by
 *        side ({@code LiveStateHandover}), or from the store after the bundle was uninstalled and
 *        installed again (its jar deleted and put back in the plugins folder)
 * @param at when it was taken over
 */
public record StateReceipt(String pluginName, String fromVersion, long fromBundleId, int bytes, How how,
        Instant at) {

    /** How the state came to the plugin that took it over. */
    public enum How {
        /** From the store, handed over by the version the same bundle ran before. */
        UPDATE("by an update in place"),
        /** From a version running side by side. */
        LIVE("side by side"),
        /** From the store, handed over by a bundle of the same symbolic name uninstalled within the grace. */
        REINSTALL("after its jar was put back in the plugins folder");

        private final String words;

        How(String words) {
            this.words = words;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public StateReceipt {
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(how, "how");
        Objects.requireNonNull(at, "at");
    }

    /**
     * One line for {@code plugin:info}, e.g. {@code kv.memory took over the state of kv.memory
     * 1.0.0 (bundle 7, 1234 bytes) side by side at 2026-11-23 10:11:12}, in local time.
     */
    public String summary() {
        return summary(ZoneId.systemDefault());
    }

    /** The {@link #summary()} with the time in the zone; tests pass a fixed one. */
    String summary(ZoneId zone) {
        return pluginName + " took over the state of " + pluginName + " " + fromVersion + " (bundle " + fromBundleId
                + ", " + bytes + " bytes) " + how.words + " at "
                + TIME.format(LocalDateTime.ofInstant(at, zone));
    }
}
