package io.plugboard.api.state;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Holds a plugin's state between the stop of one version and the start of the next. Implemented
 * only by the host, as a bundle-scoped service: each plugin bundle's state is kept apart, under
 * the bundle (its id and symbolic name) and the plugin name.
 *
 * <p>A plugin hands over its state when it stops (in its deactivate method) and receives it when
 * it starts (in its constructor or activate method). The host keeps the state until the plugin
 * hands over new state, so it survives an update whose new version fails to start, and is
 * received again by whichever version of the bundle starts next (an update keeps the bundle). It
 * is discarded when the bundle is uninstalled, and it lives in memory only: a plugin that must
 * survive a restart of the host keeps its data on disk.
 *
 * <p>Another bundle, even one with the same symbolic name installed side by side, never receives
 * it: state moves between two versions that run side by side only through
 * {@link LiveStateHandover} (since 1.1), and the bundle that handed its state over that way has
 * nothing left to hand over here.
 */
@ProviderType
public interface StateHandover {

    /** Keeps the state for the plugin's next start, replacing what was handed over before. */
    void handOver(String pluginName, byte[] state);

    /** Returns the state last handed over by the plugin (by any earlier version), if any. */
    Optional<HandedOverState> receive(String pluginName);
}
