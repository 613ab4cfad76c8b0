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
     * Returns the service object of the active plugin of the type.
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

    /** Returns the name selected for the type, whether or not that plugin is present. */
    Optional<String> selection(String type);
}
