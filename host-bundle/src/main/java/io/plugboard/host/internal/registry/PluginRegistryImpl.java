package io.plugboard.host.internal.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
import org.osgi.service.component.annotations.Deactivate;
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
import io.plugboard.host.internal.state.StateHandoverProvider;
import io.plugboard.host.internal.state.StateLedger;
import io.plugboard.host.internal.text.NumberProperty;

/**
 * Tracks the plugin services of every API type and serves the active one per type. The OSGi
 * side only: turning service references into {@link PluginCandidate}s and keeping selections in
 * Configuration Admin; {@link PluginTable} decides.
 */
@Component(service = {PluginRegistry.class, ReplacementNotice.class}, configurationPid = PluginRegistryImpl.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class PluginRegistryImpl implements PluginRegistry, ReplacementNotice {

    /**
     * The configuration that holds run-time selections as {@code select.<type>} = name, and a
     * pinned version as {@code select.<type>.version}.
     */
    static final String PID = "io.plugboard.registry";
    static final String SELECT_PREFIX = "select.";
    static final String VERSION_SUFFIX = ".version";
    /** {@code select.<type>.away = true}: the selected plugin was removed on purpose (see {@link Selection#away}). */
    static final String AWAY_SUFFIX = ".away";
    static final String FRAMEWORK_SELECT_PREFIX = "plugboard.select.";
    /** Framework property: how long a call waits for a plugin, in milliseconds. */
    static final String CALL_TIMEOUT_PROPERTY = "plugboard.call.timeout.ms";

    private final PluginTable table;
    private final Logger logger;
    /** Selections we wrote to Configuration Admin whose change events have not come back yet. */
    private final Deque<Map<String, Selection>> ownWrites = new ArrayDeque<>();

    /** Services already reported as lacking plugin.name or plugin.type, so each is reported once. */
    private final Set<Long> reportedInvalid = ConcurrentHashMap.newKeySet();
    /** Services already reported for a plugin.version that is not a version, so each is reported once. */
    private final Set<Long> reportedBadVersion = ConcurrentHashMap.newKeySet();

    // Optional: without Configuration Admin, selections last until the framework stops.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    // Optional: without it live handovers still happen; plugin:info just cannot tell of them.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile StateLedger stateLedger;

    /** The system bundle: while it stops, plugins leave because the runtime does. */
    private final Bundle framework;
    /** On the thread that removes a plugin: whether it leaves because its bundle stops. */
    private final ThreadLocal<Boolean> leavingWithItsBundle = new ThreadLocal<>();
    /** How long a selection waits for a plugin whose jar left the plugins folder (see {@link #leaving}). */
    private final long graceMillis;
    /** Runs the end of those waits; its thread is made at the first. */
    private final ScheduledThreadPoolExecutor graceEnds;
    /** Per plugin name whose jar left the folder, when its grace ends (System.nanoTime): for the warning. */
    private final Map<String, Long> graceDeadlines = new ConcurrentHashMap<>();

    /** Creates the registry with the configured selections. */
    @Activate
    public PluginRegistryImpl(BundleContext context, Map<String, Object> properties,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
        this.framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        this.table = new PluginTable(type -> context.getProperty(FRAMEWORK_SELECT_PREFIX + type),
                this::logActiveChange, callTimeout(context.getProperty(CALL_TIMEOUT_PROPERTY), logger),
                bundleId -> whatHappened(context.getBundle(bundleId)),
                new LiveStateSwitch(logger, () -> stateLedger));
        table.replaceSelections(selectionsOf(properties));
        this.graceMillis = StateHandoverProvider.graceMillis(context.getProperty(StateLedger.GRACE_PROPERTY), logger);
        this.graceEnds = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "plugboard-selection-grace");
            thread.setDaemon(true);
            return thread;
        });
        graceEnds.setRemoveOnCancelPolicy(true);
    }

    /** Drops the waits for plugins whose jar left: the registry goes, and its selections with it. */
    @Deactivate
    void deactivate() {
        graceEnds.shutdownNow();
    }

    /**
     * Re-reads the selections when the configuration changes. Configuration Admin reports our own
     * writes later, on another thread: after two quick plugin:use commands the first one's echo
     * would arrive after the second selection and bring the first back for a moment. So an echo of
     * a write of ours is ignored; anything else (an edit through cm:*, a config file) is applied.
     */
    @Modified
    void modified(Map<String, Object> properties) {
        Map<String, Selection> configured = selectionsOf(properties);
        synchronized (ownWrites) {
            while (!ownWrites.isEmpty()) {
                if (ownWrites.pollFirst().equals(configured)) {
                    return;
                }
            }
        }
        table.replaceSelections(configured);
    }

    @Reference(service = KeyValueStore.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyValueStore(ServiceReference<KeyValueStore> reference, KeyValueStore store) {
        add(reference, store);
    }

    /** A plugin whose properties change (a new plugin.version, say) is taken again, under the same service id. */
    void updatedKeyValueStore(ServiceReference<KeyValueStore> reference, KeyValueStore store) {
        add(reference, store);
    }

    /**
     * The reference only: asking SCR for the service object here made it build a component that
     * failed to activate once more, at every unbind, and log its whole error again.
     */
    void unbindKeyValueStore(ServiceReference<KeyValueStore> reference) {
        remove(reference);
    }

    @Reference(service = Greeter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindGreeter(ServiceReference<Greeter> reference, Greeter greeter) {
        add(reference, greeter);
    }

    void updatedGreeter(ServiceReference<Greeter> reference, Greeter greeter) {
        add(reference, greeter);
    }

    /** The reference only, as {@link #unbindKeyValueStore}. */
    void unbindGreeter(ServiceReference<Greeter> reference) {
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
    public Replacement replacing(Bundle bundle) {
        Runnable release = table.hold(bundle.getBundleId());
        return release::run;
    }

    @Override
    public void select(String type, String name) {
        select(type, name, null);
    }

    /** Applies the selection at once, then writes it to Configuration Admin so it survives a restart. */
    @Override
    public synchronized void select(String type, String name, String version) {
        table.select(type, name, version);
        if (configurationAdmin == null) {
            logger.info("Configuration Admin is absent: the selection of {} for type {} lasts until restart",
                    name, type);
            return;
        }
        store(Set.of(type));
    }

    @Override
    public Optional<String> selection(String type) {
        return table.selection(type);
    }

    @Override
    public void removing(Bundle bundle) {
        removing(table.namesFrom(bundle.getBundleId()), bundle.getBundleId());
    }

    @Override
    public synchronized void removing(Collection<String> pluginNames, long bundleId) {
        Set<String> away = table.removing(pluginNames, bundleId);
        if (!away.isEmpty()) {
            logger.info("Type(s) {}: the plugin selected is being removed; the ordinary choice serves until it is back",
                    String.join(", ", away));
            store(away);
        }
    }

    @Override
    public void leaving(Bundle bundle) {
        long bundleId = bundle.getBundleId();
        Collection<String> names = table.namesFrom(bundleId);
        if (names.isEmpty()) {
            return;
        }
        if (graceMillis == 0) {
            removing(names, bundleId);
            return;
        }
        // Not away yet: calls wait for the plugin as for one being updated. A plugin of the name
        // back from another bundle by then keeps its selection a requirement (removing sees it).
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        names.forEach(name -> graceDeadlines.put(name, deadline));
        try {
            graceEnds.schedule(() -> {
                graceDeadlines.entrySet().removeIf(e -> names.contains(e.getKey()) && e.getValue() == deadline);
                removing(names, bundleId);
            }, graceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Deactivated meanwhile: no selection to move.
        }
    }

    /**
     * Writes the table's selections of these types to Configuration Admin, so they survive a
     * restart. Our own write comes back later as a change event, which {@link #modified} then ignores.
     */
    private void store(Set<String> types) {
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null || types.isEmpty()) {
            return;
        }
        try {
            Configuration configuration = admin.getConfiguration(PID);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            for (String type : types) {
                Selection selection = table.configuredSelection(type);
                if (selection == null) {
                    continue;
                }
                properties.put(SELECT_PREFIX + type, selection.name());
                putOrRemove(properties, SELECT_PREFIX + type + VERSION_SUFFIX,
                        selection.version() == null ? null : selection.version().toString());
                putOrRemove(properties, SELECT_PREFIX + type + AWAY_SUFFIX, selection.away() ? "true" : null);
            }
            Map<String, Selection> written = selectionsOf(asMap(properties));
            synchronized (ownWrites) {
                ownWrites.addLast(written);
            }
            if (!configuration.updateIfDifferent(properties)) {
                synchronized (ownWrites) {
                    ownWrites.removeLastOccurrence(written); // unchanged: no event will echo it
                }
            }
        } catch (IOException e) {
            logger.warn("Could not store the selection of type(s) {}; it lasts until restart", String.join(", ", types), e);
        }
    }

    private static void putOrRemove(Dictionary<String, Object> properties, String key, String value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
    }

    /** Adds (or, for a known service id, replaces) the plugin the service reference describes. */
    void add(ServiceReference<?> reference, Object service) {
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
            // A plugin whose properties were changed to invalid ones is no plugin any more.
            table.remove(serviceId);
            return;
        }
        graceDeadlines.remove(n); // back: a later departure is not the jar's
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        table.add(new PluginCandidate(n, t, versionOf(reference, serviceId, n),
                bundle == null ? -1 : bundle.getBundleId(), serviceId,
                ranking instanceof Integer r ? r : 0, service));
        // A plugin removed on purpose that came back is the type's requirement again, also after a restart.
        Set<String> back = table.takeReturned();
        if (!back.isEmpty()) {
            synchronized (this) {
                store(back);
            }
        }
    }

    /**
     * The plugin's version: its {@code plugin.version} when it has one (a plugin that is not a
     * bundle, run by a bundle on its behalf), else the version of the bundle that registered it.
     * A {@code plugin.version} that is not a version is reported once and the bundle's counts.
     */
    private Version versionOf(ServiceReference<?> reference, long serviceId, String name) {
        Bundle bundle = reference.getBundle();
        Version bundleVersion = bundle == null ? Version.emptyVersion : bundle.getVersion();
        Object property = reference.getProperty(PluginProperties.VERSION);
        if (property == null) {
            return bundleVersion;
        }
        if (property instanceof Version version) {
            return version;
        }
        if (property instanceof String text && !text.isBlank()) {
            try {
                return Version.parseVersion(text.trim());
            } catch (IllegalArgumentException e) {
                // Reported below, as a property of another type is.
            }
        }
        if (reportedBadVersion.add(serviceId)) {
            logger.warn("Plugin {} (service {} of bundle {}) has {} '{}', which is not a version such as 1.2.0; "
                    + "using the bundle's version {}", name, serviceId,
                    bundle == null ? "?" : bundle.getSymbolicName(), PluginProperties.VERSION, property, bundleVersion);
        }
        return bundleVersion;
    }

    /** Forgets the plugin the service reference describes. */
    void remove(ServiceReference<?> reference) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        reportedInvalid.remove(serviceId);
        reportedBadVersion.remove(serviceId);
        Bundle owner = reference.getBundle();
        // Told to logActiveChange, which the table calls on this thread while it removes the plugin.
        leavingWithItsBundle.set(owner != null && owner.getState() == Bundle.STOPPING);
        try {
            table.remove(serviceId);
        } finally {
            leavingWithItsBundle.remove();
        }
    }

    private void logActiveChange(String type, Optional<PluginInfo> active) {
        if (active.isPresent()) {
            PluginInfo info = active.get();
            logger.info("Plugin type {} is now served by {} {} (bundle {})", type, info.name(), info.version(),
                    info.bundleId());
            return;
        }
        Optional<String> selected = table.awaited(type);
        if (selected.isPresent() && (framework.getState() == Bundle.STOPPING
                || Boolean.TRUE.equals(leavingWithItsBundle.get()))) {
            // The runtime stops (it stops the go-plugin bundle first, then the framework), or the
            // plugin's bundle is stopped: its own lines say so, and nobody needs warning.
            logger.info("Plugin type {} waits for {}: its bundle or the framework stops", type, selected.get());
        } else if (selected.isPresent() && graceLeft(selected.get()) > 0) {
            logger.warn("Plugin type {} waits for {}, whose jar left the plugins folder: for up to {} s, in case it is"
                    + " put back (rm, then cp), its calls wait and go to no other {} plugin; then the ordinary choice"
                    + " serves (plugin:use {} <name> picks another now)", type, selected.get(),
                    (graceLeft(selected.get()) + 999) / 1000, type, type);
        } else if (selected.isPresent()) {
            logger.warn("Plugin type {} waits for {}, which is selected for it and not registered: its calls go to no"
                    + " other {} plugin meanwhile (plugin:use {} <name> picks another)", type, selected.get(), type,
                    type);
        } else {
            logger.info("Plugin type {} has no plugin any more", type);
        }
    }

    /** The milliseconds left of the grace of a plugin whose jar left the folder; 0 when none runs. */
    private long graceLeft(String pluginName) {
        Long deadline = graceDeadlines.get(pluginName);
        return deadline == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Reads {@code select.<type>} and {@code select.<type>.version}; an unreadable version is reported and ignored. */
    private static Map<String, Object> asMap(Dictionary<String, Object> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return map;
    }

    private Map<String, Selection> selectionsOf(Map<String, Object> properties) {
        Map<String, Selection> selections = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(SELECT_PREFIX) && !key.endsWith(VERSION_SUFFIX) && !key.endsWith(AWAY_SUFFIX)
                    && value instanceof String name && !name.isBlank()) {
                Object version = properties.get(key + VERSION_SUFFIX);
                boolean away = "true".equals(String.valueOf(properties.get(key + AWAY_SUFFIX)).trim());
                selections.put(key.substring(SELECT_PREFIX.length()),
                        new Selection(name.trim(), versionOf(key, version), away));
            }
        });
        return selections;
    }

    private Version versionOf(String key, Object version) {
        if (!(version instanceof String text) || text.isBlank()) {
            return null;
        }
        try {
            return Version.parseVersion(text.trim());
        } catch (IllegalArgumentException e) {
            logger.warn("Ignoring {}{} = '{}' in configuration {}: not a version; the newest version serves",
                    key, VERSION_SUFFIX, text, PID);
            return null;
        }
    }

    /** Reads the call timeout; a bad value is reported and the default used. */
    static Duration callTimeout(String millis, Logger logger) {
        return Duration.ofMillis(NumberProperty.millis(CALL_TIMEOUT_PROPERTY, millis, 0,
                PluginTable.DEFAULT_CALL_TIMEOUT.toMillis(), logger));
    }

    /** Words what became of a bundle whose plugin went, for the message of a call that waited in vain. */
    private static String whatHappened(Bundle bundle) {
        if (bundle == null || bundle.getState() == Bundle.UNINSTALLED) {
            return "was uninstalled";
        }
        if ((bundle.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0) {
            return "was stopped";
        }
        return "unregistered its plugin";
    }
}
