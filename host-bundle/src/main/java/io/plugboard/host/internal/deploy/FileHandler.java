package io.plugboard.host.internal.deploy;

import java.util.Objects;

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

    // Written out, as FileState's are: a record's generated equals and hashCode bootstrap
    // ObjectMethods through invokedynamic on first use, spinning method-handle classes that the
    // class archive cannot keep (a few ms on the way to the first plugin call).
    @Override
    public boolean equals(Object o) {
        return o instanceof FileHandler other && serviceId == other.serviceId && ranking == other.ranking
                && bundleId == other.bundleId && Objects.equals(extension, other.extension)
                && Objects.equals(handler, other.handler) && Objects.equals(bundleName, other.bundleName);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(serviceId) * 31 + Objects.hashCode(extension);
    }

    /** How messages name the handler: {@code the *.goplugin handler (io.plugboard.goplugin 1.0.0)}. */
    public String describe() {
        return "the *" + extension + " handler (" + bundleName + ")";
    }
}
