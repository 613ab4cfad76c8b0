package io.plugboard.api.state;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Holds a plugin's state between the stop of one version and the start of the next. Implemented
 * only by the host, as a bundle-scoped service: each plugin bundle's state is kept apart, under
 * the bundle's symbolic name and the plugin name.
 *
 * <p>A plugin hands over its state when it stops (in its deactivate method) and receives it when
 * it starts (in its constructor or activate method). The host keeps the state until the plugin
 * hands over new state, so it survives an update whose new version fails to start, and is
 * received again by whichever version starts next. It is discarded when the bundle is
 * uninstalled, and it lives in memory only: a plugin that must survive a restart of the host
 * keeps its data on disk.
 */
@ProviderType
public interface StateHandover {

    /** Keeps the state for the plugin's next start, replacing what was handed over before. */
    void handOver(String pluginName, byte[] state);

    /** Returns the state last handed over by the plugin (by any earlier version), if any. */
    Optional<HandedOverState> receive(String pluginName);
}
