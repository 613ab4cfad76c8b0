package io.plugboard.host.internal.deploy;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.plugboard.api.PluginProperties;

/**
 * Tells the watched folder when a plugin run from a file leaves (its handler unregisters its
 * service: its file was deleted or changed, or it was uninstalled), as the folder sees bundles
 * leave: a jar refused because it declared that plugin's name is judged again. The folder's own
 * uninstall of a deleted descriptor only hands the work to the handlers' thread, so the folder
 * cannot tell when that plugin is gone; its service going is the moment. Plugins of a handler
 * that is itself going away (its bundle stopping) are not news: the handler's files wait for it.
 */
@Component(immediate = true, service = {})
public final class FilePluginDepartures {

    private final BundleContext context;
    private final ServiceListener listener;

    /** Starts listening for plugin services that go. */
    @Activate
    public FilePluginDepartures(BundleContext context, @Reference(name = "folder") FolderWatcher folder,
            @Reference(name = "handlers") PluginFileHandlers handlers) throws InvalidSyntaxException {
        this.context = context;
        this.listener = event -> {
            if (event.getType() == ServiceEvent.UNREGISTERING
                    && ranByPresentHandler(event.getServiceReference().getBundle(), handlers)) {
                folder.pluginLeft();
            }
        };
        context.addServiceListener(listener, "(" + PluginProperties.NAME + "=*)");
    }

    /** Stops listening. */
    @Deactivate
    public void deactivate() {
        context.removeServiceListener(listener);
    }

    /** Whether the bundle registers a handler that is still there, so its service is one of a plugin run from a file. */
    static boolean ranByPresentHandler(Bundle bundle, PluginFileHandlers handlers) {
        if (bundle == null) {
            return false;
        }
        for (FileHandler handler : handlers.handlers()) {
            if (handler.bundleId() == bundle.getBundleId()) {
                return true;
            }
        }
        return false;
    }
}
