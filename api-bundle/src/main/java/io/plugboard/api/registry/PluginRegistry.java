package io.plugboard.api.registry;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Tracks every plugin service, grouped by type and name, and picks one active plugin per type.
 * Implemented only by the host.
 *
 * <p>The active plugin of a type is the one selected by name (through {@link #select}, the
 * configuration {@code io.plugboard.registry} or the framework property
 * {@code plugboard.select.<type>}) when it is present; otherwise the one with the highest
 * service ranking, then the highest version, then the lowest service id.
 */
@ProviderType
public interface PluginRegistry {

    /** Returns every plugin, sorted by type, then name, then version (newest first). */
    List<PluginInfo> plugins();

    /** Returns the plugins of one type, sorted as {@link #plugins()}. */
    List<PluginInfo> plugins(String type);

    /** Returns the plugin that serves the type now, or empty when the type has none. */
    Optional<PluginInfo> active(String type);

    /**
     * Returns a stand-in for the active plugin of the type that follows every switch, update and
     * uninstall: each call goes to the plugin active at that moment. A call made while the type
     * has no plugin (during an update, or after the last one went) waits for one, up to the call
     * timeout (framework property {@code plugboard.call.timeout.ms}, default 5000), and then
     * throws {@link PluginUnavailableException} naming the type, the plugin it last had and what
     * happened to it. A call that reaches a plugin instance that has just stopped
     * ({@link io.plugboard.api.PluginStoppedException}) is retried the same way. The stand-in is
     * cheap to call (no allocation); keep it rather than calling this method per call.
     *
     * @throws IllegalArgumentException when {@code api} is not an interface
     * @since 1.1
     */
    <S> S service(String type, Class<S> api);

    /**
     * Returns the service object of the active plugin of the type, at this moment: it does not
     * follow later switches or updates (see {@link #service}).
     *
     * @throws PluginUnavailableException when no plugin of the type is available
     * @throws IllegalArgumentException when the active plugin does not implement {@code api}
     */
    <S> S activeService(String type, Class<S> api);

    /**
     * Makes the named plugin serve its type from now on; the choice is kept in configuration.
     *
     * @throws IllegalArgumentException when no plugin of the type has that name, naming those that exist
     */
    void select(String type, String name);

    /**
     * Makes the named plugin, in exactly the given version, serve its type from now on, even when
     * a newer version of it is installed next to it; the choice is kept in configuration.
     * A {@code null} version means the newest, as {@link #select(String, String)}.
     *
     * @throws IllegalArgumentException when no plugin of the type has that name and version,
     *         naming those that exist
     * @since 1.1
     */
    void select(String type, String name, String version);

    /** Returns the name selected for the type, whether or not that plugin is present. */
    Optional<String> selection(String type);
}
