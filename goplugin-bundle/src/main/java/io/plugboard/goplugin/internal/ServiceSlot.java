package io.plugboard.goplugin.internal;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.kv.KeyValueStore;

/**
 * The OSGi registration of one plugin's {@link KeyValueStore}, with {@code plugin.name},
 * {@code plugin.type} and {@code plugin.version} from the descriptor. Thread-safe.
 */
final class ServiceSlot implements Supervisor.Publication {

    private final BundleContext context;
    private final KeyValueStore store;
    private ServiceRegistration<KeyValueStore> registration;
    /** The descriptor the registration's properties were made from; null while unregistered. */
    private Descriptor published;

    ServiceSlot(BundleContext context, KeyValueStore store) {
        this.context = context;
        this.store = store;
    }

    @Override
    public synchronized void publish(Descriptor descriptor) {
        if (registration != null && descriptor == published) {
            // The first start publishes while it connects, and again once it serves: nothing changed.
            return;
        }
        Dictionary<String, Object> next = properties(descriptor);
        if (registration == null) {
            registration = context.registerService(KeyValueStore.class, store, next);
        } else if (!next.equals(properties(published))) {
            // A replacement with a new version: the registry takes the changed properties again.
            registration.setProperties(next);
        }
        published = descriptor;
    }

    @Override
    public synchronized void withdraw() {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // Unregistered already: the bundle is stopping.
        }
        registration = null;
        published = null;
    }

    /** The service properties for the descriptor. */
    static Dictionary<String, Object> properties(Descriptor descriptor) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PluginProperties.NAME, descriptor.name());
        properties.put(PluginProperties.TYPE, descriptor.type());
        properties.put(PluginProperties.VERSION, descriptor.version().toString());
        return properties;
    }
}
