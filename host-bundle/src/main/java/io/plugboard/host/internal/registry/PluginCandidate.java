package io.plugboard.host.internal.registry;

import org.osgi.framework.Version;

import io.plugboard.api.registry.PluginInfo;

/**
 * One plugin service as the registry's core sees it: plain values, so the core needs no framework.
 *
 * @param name the plugin's name ({@code plugin.name})
 * @param type the plugin's type ({@code plugin.type})
 * @param version the plugin's version: its {@code plugin.version}, or that of the bundle that registered the service
 * @param bundleId the id of that bundle
 * @param serviceId the service id, unique for the framework's lifetime
 * @param ranking the service ranking, 0 when unset
 * @param service the service object
 * @param arrival when the plugin came, as a service id: its own, or that of the plugin it replaced
 *        (an update, one refused and rolled back too), so that a replacement keeps its place
 *        among plugins of equal ranking and version
 */
public record PluginCandidate(String name, String type, Version version, long bundleId, long serviceId,
        int ranking, Object service, long arrival) {

    /** A plugin that came now: it arrives with its own service id. */
    public PluginCandidate(String name, String type, Version version, long bundleId, long serviceId, int ranking,
            Object service) {
        this(name, type, version, bundleId, serviceId, ranking, service, serviceId);
    }

    /** The same plugin, arrived when the plugin it replaces did. */
    PluginCandidate arrivedAs(long earlier) {
        return new PluginCandidate(name, type, version, bundleId, serviceId, ranking, service, earlier);
    }

    /** Returns the public view of this plugin. */
    PluginInfo toInfo(boolean active) {
        return new PluginInfo(name, type, version.toString(), bundleId, serviceId, ranking, active);
    }
}
