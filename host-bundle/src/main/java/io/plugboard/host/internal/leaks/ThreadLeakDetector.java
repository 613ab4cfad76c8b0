package io.plugboard.host.internal.leaks;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.host.internal.deploy.PluginInstaller;
import io.plugboard.host.internal.text.NumberProperty;

/**
 * Reports a plugin that leaves a thread running after it stops (also before an update or an
 * uninstall): such a thread keeps the old version's class loader, and all its classes, alive.
 *
 * <p>When a plugin bundle stops, the threads that run its revision's classes (or have its class
 * loader as context class loader) are noted; those still doing so after a grace period
 * ({@value #GRACE_PROPERTY}, default {@value #DEFAULT_GRACE_MILLIS} ms) are logged as a warning
 * and kept for {@code plugin:info}. Only threads that existed when the bundle stopped count, so a
 * thread of the updated version, running classes of the same names, is never blamed.
 */
@Component(service = ThreadLeakDetector.class, immediate = true)
public final class ThreadLeakDetector {

    static final String GRACE_PROPERTY = "plugboard.leak.grace.ms";
    static final long DEFAULT_GRACE_MILLIS = 1000;
    /** Enough to show what leaks; a plugin that leaks on every update must not grow the host without bound. */
    static final int MAX_REPORTS = 200;

    private final BundleContext context;
    private final PluginInstaller installer;
    private final Logger logger;
    private final long graceMillis;
    private final ScheduledThreadPoolExecutor checker;
    private final Deque<LeakedThread> reports = new ConcurrentLinkedDeque<>();
    private final SynchronousBundleListener listener = this::bundleChanged;
    /**
     * Threads already blamed (or being checked), weakly: an update stops a plugin twice (update,
     * then refresh), and a thread of the first revision runs classes of the same names as the
     * second's; it must be reported once, for the revision that started it.
     */
    private final Map<Thread, Boolean> blamed = Collections.synchronizedMap(new WeakHashMap<>());

    /** Starts watching plugin bundles stop. */
    @Activate
    public ThreadLeakDetector(BundleContext context, @Reference(name = "installer") PluginInstaller installer,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.installer = installer;
        this.logger = logger;
        this.graceMillis = graceMillis(context.getProperty(GRACE_PROPERTY));
        ClassLoader hostLoader = getClass().getClassLoader();
        this.checker = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "plugboard-leak-check");
            thread.setDaemon(true);
            // Inherited from whoever activated us; the host's own loader pins nothing that goes away.
            thread.setContextClassLoader(hostLoader);
            return thread;
        });
        checker.setRemoveOnCancelPolicy(true);
        // Synchronous: the STOPPED event arrives before an update replaces the revision.
        context.addBundleListener(listener);
    }

    /** Stops watching; checks still pending are dropped. */
    @Deactivate
    void deactivate() {
        // First: removing the listener throws once the context is gone, and the thread must end anyway.
        checker.shutdownNow();
        context.removeBundleListener(listener);
    }

    /** Returns every thread reported so far, oldest first. */
    public List<LeakedThread> leakedThreads() {
        return new ArrayList<>(reports);
    }

    /** Returns the threads reported for the bundle, oldest first. */
    public List<LeakedThread> leakedThreads(long bundleId) {
        return reports.stream().filter(r -> r.bundleId() == bundleId).toList();
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPED || frameworkStopping()) {
            return;
        }
        Bundle bundle = event.getBundle();
        if (!installer.isPlugin(bundle)) {
            return;
        }
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return;
        }
        Set<String> classes = ThreadScan.classNames(wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE));
        ClassLoader loader = wiring.getClassLoader();
        List<ThreadScan.Suspect> suspects = ThreadScan.find(Thread.getAllStackTraces(), classes, loader).stream()
                .filter(s -> blamed.putIfAbsent(s.thread(), Boolean.TRUE) == null).toList();
        if (suspects.isEmpty()) {
            return;
        }
        String plugin = bundle.getSymbolicName() + " " + bundle.getVersion();
        long bundleId = bundle.getBundleId();
        // Weakly: the check must not be what keeps the old class loader alive.
        WeakReference<ClassLoader> weakLoader = new WeakReference<>(loader);
        List<Thread> threads = suspects.stream().map(ThreadScan.Suspect::thread).toList();
        try {
            checker.schedule(() -> recheck(bundleId, plugin, threads, classes, weakLoader),
                    graceMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // Rejected: the host is stopping, and nobody is left to tell.
        }
    }

    /**
     * Whether the whole framework is stopping: then every plugin stops, the checks would be
     * dropped with this detector before their grace period ends, and the JVM pins nothing for long;
     * scanning every thread's stack once per plugin would only slow the stop (1000 plugins, 1000 scans).
     */
    private boolean frameworkStopping() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        return system == null || system.getState() == Bundle.STOPPING;
    }

    /** Reports the suspects that still run the plugin's code after the grace period. */
    private void recheck(long bundleId, String plugin, List<Thread> threads, Set<String> classes,
            WeakReference<ClassLoader> weakLoader) {
        Map<Thread, StackTraceElement[]> stacks = new HashMap<>();
        for (Thread thread : threads) {
            stacks.put(thread, thread.getStackTrace());
        }
        List<ThreadScan.Suspect> leaked = ThreadScan.find(stacks, classes, weakLoader.get());
        // A thread that ended or moved on in time may be a suspect again at a later stop.
        threads.stream().filter(t -> leaked.stream().noneMatch(s -> s.thread() == t)).forEach(blamed::remove);
        for (ThreadScan.Suspect suspect : leaked) {
            LeakedThread leak = new LeakedThread(bundleId, plugin, suspect.thread(), suspect.where());
            reports.addLast(leak);
            while (reports.size() > MAX_REPORTS) {
                reports.pollFirst();
            }
            logger.warn("{}", leak.warning());
        }
    }

    /** Parses the grace period; a bad value is reported and the default used. */
    private long graceMillis(String text) {
        return NumberProperty.millis(GRACE_PROPERTY, text, 0, DEFAULT_GRACE_MILLIS, logger);
    }
}
