package io.plugboard.host.internal.state;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.state.StateHandover;
import io.plugboard.host.internal.text.NumberProperty;

/**
 * Offers {@link StateHandover} to plugins as a bundle-scoped service: the framework asks the
 * factory once per calling bundle, so each bundle's calls are made on its own behalf and cannot
 * reach another bundle's state. One {@link StateStore} behind all of them holds the state. To the
 * rest of the host it is the {@link StateLedger}: the registry reports live handovers to it and
 * {@code plugin:info} asks it what a bundle took over.
 */
// Registered by hand rather than by DS scope=BUNDLE: one component then owns the one store, and
// it cannot be disposed (losing every plugin's state) just because no plugin uses it for a moment,
// as a delayed DS component would be between the stop of one version and the start of the next.
@Component(immediate = true, service = StateLedger.class)
public final class StateHandoverProvider implements StateLedger {

    private final BundleContext context;
    private final StateStore store;
    private final SynchronousBundleListener uninstalls;
    private final ServiceRegistration<StateHandover> registration;
    // Bundles whose jar left the plugins folder, told before their uninstall (keepAfterUninstall).
    private final Set<Long> leavingWithJar = ConcurrentHashMap.newKeySet();
    // Drops kept state once its grace is over, so it is not held (and logged as dropped) only at the next uninstall.
    private final ScheduledExecutorService expiry;

    /** Starts watching for uninstalled bundles and registers the service. */
    @Activate
    public StateHandoverProvider(BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.store = new StateStore(logger, Duration.ofMillis(graceMillis(context.getProperty(GRACE_PROPERTY), logger)));
        this.expiry = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "plugboard-state-expiry");
            thread.setDaemon(true);
            return thread;
        });
        // Synchronous: the state is gone (or kept aside) before uninstall() returns, so a
        // reinstall right after it receives old state only when the jar left the folder.
        // An update fires UPDATED, never UNINSTALLED.
        this.uninstalls = event -> {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                Bundle bundle = event.getBundle();
                String name = bundle.getSymbolicName() + " " + bundle.getVersion();
                if (leavingWithJar.remove(bundle.getBundleId())) {
                    store.keepForGrace(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), name);
                    scheduleExpiry();
                } else {
                    store.discard(bundle.getBundleId(), name);
                }
            }
        };
        context.addBundleListener(uninstalls);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_DESCRIPTION, "Plugboard state handover: keeps plugin state across updates");
        this.registration = context.registerService(StateHandover.class, new Factory(store), properties);
    }

    /** Withdraws the service; the state held so far is dropped with the store. */
    @Deactivate
    void deactivate() {
        registration.unregister();
        context.removeBundleListener(uninstalls);
        expiry.shutdownNow();
    }

    @Override
    public void keepAfterUninstall(long bundleId) {
        leavingWithJar.add(bundleId);
    }

    private void scheduleExpiry() {
        if (!store.grace().isZero()) {
            try {
                expiry.schedule(store::expire, store.grace().toMillis() + 1, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Deactivated meanwhile: the store goes with this component.
            }
        }
    }

    /** Reads the grace ({@value StateLedger#GRACE_PROPERTY}); a bad value is reported and the default used. */
    public static long graceMillis(String millis, Logger logger) {
        return NumberProperty.millis(GRACE_PROPERTY, millis, 0, DEFAULT_GRACE_MILLIS, logger);
    }

    @Override
    public void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes) {
        store.tookOverLive(pluginName, fromBundleId, fromVersion, toBundleId, bytes);
    }

    @Override
    public List<StateReceipt> receipts(long bundleId) {
        return store.receipts(bundleId);
    }

    /** Hands each bundle its own view of the store. */
    private record Factory(StateStore store) implements ServiceFactory<StateHandover> {

        @Override
        public StateHandover getService(Bundle bundle, ServiceRegistration<StateHandover> registration) {
            return new BundleStateHandover(store, bundle);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<StateHandover> registration,
                StateHandover service) {
            // Nothing to release: the state outlives the bundle's use of the service by design.
        }
    }
}
