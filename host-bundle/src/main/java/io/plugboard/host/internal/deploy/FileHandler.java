package io.plugboard.host.internal.deploy;

import io.plugboard.api.deploy.PluginFileHandler;

/**
 * A {@link PluginFileHandler} service as the host sees it.
 *
 * @param extension the extension it takes, lower case, with its dot: {@code .goplugin}
 * @param handler the service object
 * @param serviceId its service id
 * @param ranking its service ranking: of two handlers of one extension, the higher serves
 * @param bundleId the id of the bundle that registered it
 * @param bundleName that bundle's symbolic name and version, for messages
 */
public record FileHandler(String extension, PluginFileHandler handler, long serviceId, int ranking, long bundleId,
        String bundleName) {

    /** How messages name the handler: {@code the *.goplugin handler (io.plugboard.goplugin 1.0.0)}. */
    public String describe() {
        return "the *" + extension + " handler (" + bundleName + ")";
    }
}
