package io.plugboard.api.registry;

/**
 * A snapshot of one plugin service as the registry sees it.
 *
 * @param name the plugin's name ({@code plugin.name})
 * @param type the plugin's type ({@code plugin.type})
 * @param version the version of the bundle that registered the service
 * @param bundleId the id of that bundle
 * @param serviceId the id of the service ({@code service.id})
 * @param ranking the service ranking ({@code service.ranking}, 0 when unset)
 * @param active whether this plugin serves its type now
 */
public record PluginInfo(String name, String type, String version, long bundleId, long serviceId,
        int ranking, boolean active) {
}
