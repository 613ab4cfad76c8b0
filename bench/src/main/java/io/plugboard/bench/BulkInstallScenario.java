package io.plugboard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Many plugins at once: generated greeter bundles are moved into the watched folder together (or,
 * for the Felix anchor, installed and started one by one through the framework API); the time
 * runs from the first move to the moment the registry lists them all, and the heap they take is
 * the used heap after full collections, after minus before, per bundle.
 */
final class BulkInstallScenario implements Scenario {

    /** What one run produced; {@code installed} is short of the count on a timeout. */
    private record Outcome(long nanos, long installed, long heapPerBundle, boolean complete) {
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        int count = options.bulkCount();
        List<Watcher> watchers = new ArrayList<>(options.watchers());
        watchers.add(Watcher.NONE);
        Map<Watcher, Outcome> outcomes = new LinkedHashMap<>();
        long timeoutMillis = options.quick() ? 30_000 : 60_000;
        // Unrecorded: the JIT compiles Felix's, SCR's and the host's install path while the first
        // bundles go in. Without this round the first watcher measured pays for it and the Felix
        // API anchor, measured last, does not. Full size: tables that live as long as the JVM
        // (the JDK's and the libraries' weak caches) grow to the largest count they have seen and
        // stay; a smaller round left the first run measured about 0.65 KiB per bundle above a
        // second run of the same host in the same JVM.
        int warmUp = count;
        for (Watcher watcher : List.of(Watcher.PLUGBOARD, Watcher.NONE)) {
            BenchMain.progress("bulk: warm-up, " + watcher.label + ", " + warmUp + " plugin bundles");
            measure(watcher, workspace.fresh("bulk-warmup-" + watcher.key), warmUp, timeoutMillis);
        }
        for (Watcher watcher : watchers) {
            BenchMain.progress("bulk: " + watcher.label + ", " + count + " plugin bundles");
            outcomes.put(watcher, measure(watcher, workspace.fresh("bulk-" + watcher.key), count, timeoutMillis));
        }
        WatcherTable table = new WatcherTable(report, count + " plugin bundles at once: installed and active", watchers);
        // A run that timed out shows its time as a lower bound, without a ratio.
        table.row("time to all active", count == 1000 ? "5 s" : "",
                values(outcomes, o -> o.complete() ? o.nanos() : -o.nanos()),
                nanos -> nanos < 0 ? "> " + Report.millis(-nanos) + ", timed out" : Report.millis(nanos), true);
        table.row("plugins active", Integer.toString(count), values(outcomes, Outcome::installed), Long::toString, false);
        Map<Watcher, Long> heap = values(outcomes, Outcome::heapPerBundle);
        outcomes.forEach((watcher, outcome) -> {
            if (outcome.installed() == 0) {
                heap.remove(watcher);
            }
        });
        table.row("heap per bundle", "20 KiB", heap, Report::kib, true);
        table.note("Felix API = BundleContext.installBundle + start, one by one, no watcher: the framework's own cost.");
        table.note("Each bundle: a manifest, a DS component (immediate) and one class, about 1.5 KiB.");
        table.note("Each run is given " + timeoutMillis / 1000 + " s; heap per bundle counts the bundles active by then.");
        table.note("After an unrecorded warm-up of " + warmUp + " bundles through Plugboard and the Felix API, so every"
                + " run meets the same compiled code.");
    }

    private static Map<Watcher, Long> values(Map<Watcher, Outcome> outcomes, java.util.function.ToLongFunction<Outcome> f) {
        Map<Watcher, Long> values = new LinkedHashMap<>();
        outcomes.forEach((watcher, outcome) -> values.put(watcher, f.applyAsLong(outcome)));
        return values;
    }

    private static Outcome measure(Watcher watcher, Path work, int count, long timeoutMillis) throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(watcher, work)) {
            PluginFolder folder = host.folder();
            List<String> files = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("bulk-%04d", i);
                files.add(name + ".jar");
                folder.stage(name + ".jar", PluginJars.greeter("bench." + name, "1.0.0", name, name, 0));
            }
            int before = host.registry().plugins().size();
            long heapBefore = Heap.usedAfterFullGc();
            long start = System.nanoTime();
            if (watcher == Watcher.NONE) {
                installOneByOne(host.context(), folder, files);
            } else {
                for (String file : files) {
                    folder.moveIn(file);
                }
            }
            boolean complete = host.awaitPlugins(before + count, timeoutMillis);
            long nanos = System.nanoTime() - start;
            long installed = host.registry().plugins().size() - before;
            long heapAfter = Heap.usedAfterFullGc();
            return new Outcome(nanos, installed, (heapAfter - heapBefore) / Math.max(1, installed), complete);
        } finally {
            Workspace.delete(work);
        }
    }

    private static void installOneByOne(BundleContext context, PluginFolder folder, List<String> files) throws Exception {
        for (String file : files) {
            Path staged = folder.staged(file);
            Bundle bundle = context.installBundle(staged.toUri().toString());
            bundle.start();
        }
    }
}
