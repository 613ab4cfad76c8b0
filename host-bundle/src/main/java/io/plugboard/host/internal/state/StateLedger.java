package io.plugboard.host.internal.state;

import java.util.List;

/**
 * The host's record of state handovers, for the rest of the host: the registry reports the live
 * handovers it makes between versions running side by side, and {@code plugin:info} shows what
 * each bundle took over. Implemented by {@link StateHandoverProvider} over its {@link StateStore}.
 */
public interface StateLedger {

    /**
     * Framework property: how long (ms) the state of a plugin whose jar left the plugins folder is
     * kept for a bundle of the same symbolic name, the jar put back (0: discarded at once).
     */
    String GRACE_PROPERTY = "plugboard.state.grace.ms";

    /** The default of {@link #GRACE_PROPERTY}: time to put a jar back by hand. */
    long DEFAULT_GRACE_MILLIS = 60_000;

    /**
     * The bundle is about to be uninstalled because its jar left the plugins folder, not on the
     * user's order: the state its plugins handed over is kept for the grace, for a bundle of the
     * same symbolic name (the jar put back), instead of being discarded with the bundle.
     */
    void keepAfterUninstall(long bundleId);

    /**
     * Records that the plugin of bundle {@code toBundleId} took over, live, the state of the same
     * plugin in bundle {@code fromBundleId}; drops the state the store still keeps for that
     * plugin of {@code fromBundleId} (it is older than what was just handed over, and that bundle
     * now holds nothing).
     */
    void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes);

    /** Returns what the bundle's plugins took over, one receipt per plugin name, by name. */
    List<StateReceipt> receipts(long bundleId);
}
