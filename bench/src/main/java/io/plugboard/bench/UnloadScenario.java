package io.plugboard.bench;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.BundleWiring;

/**
 * True unload: a plugin is updated through the watched folder many times; before and after,
 * after full collections, count the plugin class loaders still alive (weak references to the
 * class loader of every bundle revision that registered the plugin's service), the classes
 * loaded, the threads and the used heap.
 */
final class UnloadScenario implements Scenario {

    private static final String FILE = "bench-cycle.jar";
    private static final String NAME = "bench.cycle";
    private static final int WARMUP = 20;

    /** The figures at one moment. */
    private record Snapshot(long heap, long classes, long threads, long loadersAlive, long bundles) {
    }

    /** What one watcher's run produced. */
    private record Outcome(int cycles, long loadersCreated, Snapshot before, Snapshot after, Stats cycle) {
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Map<Watcher, Outcome> outcomes = new LinkedHashMap<>();
        List<Watcher> watchers = new ArrayList<>(options.watchers());
        // One update takes 2-4 s at a 2 s poll: 1000 of them would take most of an hour.
        boolean skipped = watchers.remove(Watcher.FILEINSTALL_2000);
        for (Watcher watcher : watchers) {
            int cycles = options.unloadCycles();
            BenchMain.progress("unload: " + watcher.label + ", " + cycles + " update cycles");
            outcomes.put(watcher, measure(watcher, workspace.fresh("unload-" + watcher.key), cycles));
        }
        int cycles = options.unloadCycles();
        WatcherTable table = new WatcherTable(report, "True unload: before and after " + cycles + " updates", watchers);
        row(table, "plugin class loaders alive, before", outcomes, o -> o.before().loadersAlive(), Long::toString, "1");
        row(table, "plugin class loaders alive, after", outcomes, o -> o.after().loadersAlive(), Long::toString, "1");
        row(table, "plugin class loaders created", outcomes, Outcome::loadersCreated, Long::toString, "");
        row(table, "classes loaded, before", outcomes, o -> o.before().classes(), Long::toString, "");
        row(table, "classes loaded, after", outcomes, o -> o.after().classes(), Long::toString, "no growth");
        row(table, "heap after full GC, before", outcomes, o -> o.before().heap(), Report::mib, "");
        row(table, "heap after full GC, after", outcomes, o -> o.after().heap(), Report::mib, "");
        row(table, "heap growth", outcomes, o -> o.after().heap() - o.before().heap(), Report::mib, "< 2 MiB");
        row(table, "threads, before -> after", outcomes, o -> o.after().threads() - o.before().threads(),
                d -> (d >= 0 ? "+" : "") + d, "+0");
        row(table, "bundles, before -> after", outcomes, o -> o.after().bundles() - o.before().bundles(),
                d -> (d >= 0 ? "+" : "") + d, "+0");
        row(table, "one update cycle, median", outcomes, o -> o.cycle().median(), Report::millis, "");
        table.note("Each framework runs alone in this JVM; heap = used heap after repeated System.gc().");
        if (skipped) {
            table.note("FileInstall 2000 ms left out: " + cycles + " updates at one per 2-4 s would take about "
                    + (cycles * 3 / 60) + " minutes.");
        }
    }

    private static void row(WatcherTable table, String measure, Map<Watcher, Outcome> outcomes,
            java.util.function.ToLongFunction<Outcome> figure, java.util.function.LongFunction<String> format,
            String target) {
        Map<Watcher, Long> values = new LinkedHashMap<>();
        outcomes.forEach((watcher, outcome) -> values.put(watcher, figure.applyAsLong(outcome)));
        table.row(measure, target, values, format, false);
    }

    private static Outcome measure(Watcher watcher, Path work, int cycles) throws Exception {
        List<WeakReference<ClassLoader>> loaders = Collections.synchronizedList(new ArrayList<>());
        try (EmbeddedHost host = EmbeddedHost.start(watcher, work)) {
            // Every registration of the plugin's service, with the class loader of the bundle
            // revision behind it: an update and the refresh after it each make one.
            ServiceListener registrations = event -> {
                if (event.getType() == ServiceEvent.REGISTERED) {
                    BundleWiring wiring = event.getServiceReference().getBundle().adapt(BundleWiring.class);
                    if (wiring != null) {
                        loaders.add(new WeakReference<>(wiring.getClassLoader()));
                    }
                }
            };
            host.context().addServiceListener(registrations, "(plugin.name=" + NAME + ")");
            for (int i = 0; i < WARMUP; i++) {
                update(host, i);
            }
            Snapshot before = snapshot(host, loaders);
            long[] times = new long[cycles];
            for (int i = 0; i < cycles; i++) {
                long start = System.nanoTime();
                update(host, WARMUP + i);
                times[i] = System.nanoTime() - start;
            }
            Snapshot after = snapshot(host, loaders);
            host.context().removeServiceListener(registrations);
            return new Outcome(cycles, loaders.size(), before, after, Stats.of(times));
        } finally {
            Workspace.delete(work);
        }
    }

    /** Replaces the plugin's jar with version n and waits for its answer. */
    private static void update(EmbeddedHost host, int n) throws Exception {
        String answer = "cycle-" + n;
        host.folder().land(FILE, PluginJars.greeter(NAME, "1.0." + n, NAME, answer, 100));
        PluginFolder.awaitAnswer(host.greeter(), answer::equals, 30_000);
    }

    private static Snapshot snapshot(EmbeddedHost host, List<WeakReference<ClassLoader>> loaders) throws Exception {
        // Let the last update's refresh finish before collecting.
        Thread.sleep(500);
        long heap = Heap.usedAfterFullGc();
        long alive;
        synchronized (loaders) {
            alive = loaders.stream().filter(ref -> ref.get() != null).count();
        }
        return new Snapshot(heap, Heap.loadedClasses(), Heap.threads(), alive, host.bundleCount());
    }
}
