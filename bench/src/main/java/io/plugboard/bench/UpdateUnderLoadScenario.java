package io.plugboard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.plugboard.api.greeter.Greeter;

/**
 * Update under load: caller threads call the active greeter through one stand-in as fast as they
 * can while its plugin is updated (jar replaced in the watched folder) again and again. Counts
 * every call, every failed call and every call another plugin answered, and times each call.
 */
final class UpdateUnderLoadScenario implements Scenario {

    private static final String FILE = "bench-load.jar";
    private static final String NAME = "bench.load";
    private static final String PREFIX = "load-";

    /** What one watcher's run produced. */
    private record Outcome(long calls, long failed, long otherPlugin, long maxNanos, long p99Nanos,
            long p999Nanos, Stats updates, String firstFailure) {
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Map<Watcher, Outcome> outcomes = new LinkedHashMap<>();
        for (Watcher watcher : options.watchers()) {
            int updates = options.updatesUnderLoad(watcher);
            BenchMain.progress("load: " + watcher.label + ", " + options.callerThreads() + " callers, "
                    + updates + " updates");
            outcomes.put(watcher, measure(watcher, workspace.fresh("load-" + watcher.key), updates,
                    options.callerThreads()));
        }
        WatcherTable table = new WatcherTable(report, "Update under load", options.watchers());
        table.row("updates", "", collect(outcomes, o -> (long) o.updates().count()), Long::toString, false);
        table.row("calls made", "", collect(outcomes, Outcome::calls), Long::toString, false);
        table.row("calls failed", "0", collect(outcomes, Outcome::failed), Long::toString, false);
        table.row("calls answered by another plugin", "0", collect(outcomes, Outcome::otherPlugin), Long::toString, false);
        table.row("longest call (stall)", "", collect(outcomes, Outcome::maxNanos), Report::millis, true);
        table.row("p99 call", "", collect(outcomes, Outcome::p99Nanos), Report::micros, true);
        table.row("p99.9 call", "", collect(outcomes, Outcome::p999Nanos), Report::micros, true);
        table.row("update: landed to new answer, median", "", collect(outcomes, o -> o.updates().median()), Report::millis, true);
        table.note(options.callerThreads() + " caller threads on " + Runtime.getRuntime().availableProcessors()
                + " cores; each call timed with System.nanoTime (its ~20-30 ns is in every figure).");
        outcomes.forEach((watcher, outcome) -> {
            if (outcome.firstFailure() != null) {
                table.note(watcher.label + ", first failure: " + outcome.firstFailure());
            }
        });
    }

    private static Map<Watcher, Long> collect(Map<Watcher, Outcome> outcomes,
            java.util.function.ToLongFunction<Outcome> figure) {
        Map<Watcher, Long> values = new LinkedHashMap<>();
        outcomes.forEach((watcher, outcome) -> values.put(watcher, figure.applyAsLong(outcome)));
        return values;
    }

    private static Outcome measure(Watcher watcher, Path work, int updates, int threads) throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(watcher, work)) {
            Greeter greeter = host.greeter();
            PluginFolder folder = host.folder();
            folder.land(FILE, PluginJars.greeter(NAME, "1.0.0", NAME, PREFIX + 0, 100));
            PluginFolder.awaitAnswer(greeter, (PREFIX + 0)::equals, 30_000);

            List<Caller> callers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Caller caller = new Caller(greeter);
                callers.add(caller);
                caller.start();
            }
            long[] updateTimes = new long[updates];
            for (int i = 1; i <= updates; i++) {
                String answer = PREFIX + i;
                folder.stage(FILE, PluginJars.greeter(NAME, "1.0." + i, NAME, answer, 100));
                HotDeployScenario.pause(watcher);
                long landed = System.nanoTime();
                folder.moveIn(FILE);
                updateTimes[i - 1] = PluginFolder.awaitAnswer(greeter, answer::equals, 30_000) - landed;
            }
            // Let the callers run on the last version too, then stop them.
            Thread.sleep(100);
            LatencyHistogram all = new LatencyHistogram();
            long failed = 0;
            long other = 0;
            String firstFailure = null;
            for (Caller caller : callers) {
                caller.running = false;
                caller.join();
                all.add(caller.histogram);
                failed += caller.failed;
                other += caller.otherPlugin;
                if (firstFailure == null && caller.firstFailure.get() != null) {
                    firstFailure = caller.firstFailure.get().toString();
                }
            }
            return new Outcome(all.total(), failed, other, all.max(), all.percentile(99), all.percentile(99.9),
                    Stats.of(updateTimes), firstFailure);
        } finally {
            Workspace.delete(work);
        }
    }

    /** One calling thread; its counters are read only after it has been joined. */
    private static final class Caller extends Thread {
        private final Greeter greeter;
        final LatencyHistogram histogram = new LatencyHistogram();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        volatile boolean running = true;
        long failed;
        long otherPlugin;

        Caller(Greeter greeter) {
            super("bench-caller");
            this.greeter = greeter;
        }

        @Override
        public void run() {
            while (running) {
                long start = System.nanoTime();
                try {
                    String answer = greeter.greet("Bob");
                    if (!answer.startsWith(PREFIX)) {
                        otherPlugin++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    firstFailure.compareAndSet(null, e);
                }
                histogram.record(System.nanoTime() - start);
            }
        }
    }
}
