package io.plugboard.host.internal.registry;

import java.io.IOException;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginRegistry;

/**
 * Tracks the plugin services of every API type and serves the active one per type. The OSGi
 * side only: turning service references into {@link PluginCandidate}s and keeping selections in
 * Configuration Admin; {@link PluginTable} decides.
 */
@Component(configurationPid = PluginRegistryImpl.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class PluginRegistryImpl implements PluginRegistry {

    /** The configuration that holds run-time selections as {@code select.<type>} = name. */
    static final String PID = "io.plugboard.registry";
    static final String SELECT_PREFIX = "select.";
    static final String FRAMEWORK_SELECT_PREFIX = "plugboard.select.";

    private final PluginTable table;
    private final Logger logger;
    /** Services already reported as lacking plugin.name or plugin.type, so each is reported once. */
    private final Set<Long> reportedInvalid = ConcurrentHashMap.newKeySet();

    // Optional: without Configuration Admin, selections last until the framework stops.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    /** Creates the registry with the configured selections. */
    @Activate
    public PluginRegistryImpl(BundleContext context, Map<String, Object> properties,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
        this.table = new PluginTable(type -> context.getProperty(FRAMEWORK_SELECT_PREFIX + type),
                this::logActiveChange);
        table.replaceSelections(selectionsOf(properties));
    }

    /** Re-reads the selections when the configuration changes. */
    @Modified
    void modified(Map<String, Object> properties) {
        table.replaceSelections(selectionsOf(properties));
    }

    @Reference(service = KeyValueStore.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyValueStore(ServiceReference<KeyValueStore> reference, KeyValueStore store) {
        add(reference, store);
    }

    void unbindKeyValueStore(ServiceReference<KeyValueStore> reference, KeyValueStore store) {
        remove(reference);
    }

    @Reference(service = Greeter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindGreeter(ServiceReference<Greeter> reference, Greeter greeter) {
        add(reference, greeter);
    }

    void unbindGreeter(ServiceReference<Greeter> reference, Greeter greeter) {
        remove(reference);
    }

    @Override
    public List<PluginInfo> plugins() {
        return table.plugins();
    }

    @Override
    public List<PluginInfo> plugins(String type) {
        return table.plugins(type);
    }

    @Override
    public Optional<PluginInfo> active(String type) {
        return table.active(type);
    }

    @Override
    public <S> S activeService(String type, Class<S> api) {
        return table.activeService(type, api);
    }

    @Override
    public <S> S service(String type, Class<S> api) {
        return table.service(type, api);
    }

    @Override
    public void select(String type, String name, String version) {
        if (version != null) {
            table.select(type, name, version);
        }
        select(type, name);
    }

    /** Applies the selection at once, then writes it to Configuration Admin so it survives a restart. */
    @Override
    public void select(String type, String name) {
        table.select(type, name);
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            logger.info("Configuration Admin is absent: the selection of {} for type {} lasts until restart",
                    name, type);
            return;
        }
        try {
            Configuration configuration = admin.getConfiguration(PID);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            properties.put(SELECT_PREFIX + type, name);
            configuration.updateIfDifferent(properties);
        } catch (IOException e) {
            logger.warn("Could not store the selection of {} for type {}; it lasts until restart",
                    name, type, e);
        }
    }

    @Override
    public Optional<String> selection(String type) {
        return table.selection(type);
    }

    private void add(ServiceReference<?> reference, Object service) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        Object name = reference.getProperty(PluginProperties.NAME);
        Object type = reference.getProperty(PluginProperties.TYPE);
        Bundle bundle = reference.getBundle();
        if (!(name instanceof String n) || n.isBlank() || !(type instanceof String t) || t.isBlank()) {
            if (reportedInvalid.add(serviceId)) {
                logger.warn("Ignoring service {} of bundle {}: it needs the string properties {} and {}",
                        serviceId, bundle == null ? "?" : bundle.getSymbolicName(),
                        PluginProperties.NAME, PluginProperties.TYPE);
            }
            return;
        }
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        table.add(new PluginCandidate(n, t, bundle == null ? Version.emptyVersion : bundle.getVersion(),
                bundle == null ? -1 : bundle.getBundleId(), serviceId,
                ranking instanceof Integer r ? r : 0, service));
    }

    private void remove(ServiceReference<?> reference) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        reportedInvalid.remove(serviceId);
        table.remove(serviceId);
    }

    private void logActiveChange(String type, Optional<PluginInfo> active) {
        active.ifPresentOrElse(
                info -> logger.info("Plugin type {} is now served by {} {} (bundle {})",
                        type, info.name(), info.version(), info.bundleId()),
                () -> logger.info("Plugin type {} has no plugin any more", type));
    }

    private static Map<String, String> selectionsOf(Map<String, Object> properties) {
        Map<String, String> selections = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(SELECT_PREFIX) && value instanceof String name && !name.isBlank()) {
                selections.put(key.substring(SELECT_PREFIX.length()), name.trim());
            }
        });
        return selections;
    }
}
