package io.plugboard.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.plugboard.api.greeter.Greeter;

/**
 * Hot deploy, replace and delete: from the jar landing in the watched folder (atomic move) or
 * being deleted to the first call through the registry's stand-in that the new state answers.
 * The generated plugin outranks the example greeters, so a deploy shows as its answer and a
 * delete as greeter.en's answer coming back.
 */
final class HotDeployScenario implements Scenario {

    private static final String FILE = "bench-deploy.jar";
    private static final String NAME = "bench.deploy";
    private static final long TIMEOUT_MILLIS = 30_000;

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Map<Watcher, Stats> deploy = new LinkedHashMap<>();
        Map<Watcher, Stats> replace = new LinkedHashMap<>();
        Map<Watcher, Stats> delete = new LinkedHashMap<>();
        for (Watcher watcher : options.watchers()) {
            int rounds = options.deploys(watcher);
            BenchMain.progress("deploy: " + watcher.label + ", " + rounds + " rounds of deploy, replace, delete");
            long[][] samples = measure(watcher, workspace.fresh("deploy-" + watcher.key), rounds, options.quick() ? 1 : 3);
            deploy.put(watcher, Stats.of(samples[0]));
            replace.put(watcher, Stats.of(samples[1]));
            delete.put(watcher, Stats.of(samples[2]));
        }
        WatcherTable table = new WatcherTable(report, "Hot deploy: file landed to first call it answers", options.watchers());
        add(table, "deploy", deploy, "30 ms", "100 ms");
        add(table, "replace", replace, "30 ms", "100 ms");
        add(table, "delete", delete, "30 ms", "100 ms");
        StringBuilder rounds = new StringBuilder("rounds:");
        for (Watcher watcher : options.watchers()) {
            rounds.append(' ').append(watcher.label).append(' ').append(deploy.get(watcher).count()).append(';');
        }
        table.note(rounds + " each after warm-up rounds and a random pause of 20 ms up to 20 ms + one poll,"
                + " so landing times fall at random points of a poll.");
        table.note("Calls go through PluginRegistry.service(\"greeter\", Greeter.class), every 0.1 ms until answered.");
    }

    private static void add(WatcherTable table, String what, Map<Watcher, Stats> stats, String median, String p99) {
        table.row(what + " median", median, medians(stats, true), Report::millis, true);
        table.row(what + " p99", p99, medians(stats, false), Report::millis, true);
    }

    private static Map<Watcher, Long> medians(Map<Watcher, Stats> stats, boolean median) {
        Map<Watcher, Long> values = new LinkedHashMap<>();
        stats.forEach((watcher, s) -> values.put(watcher, median ? s.median() : s.p99()));
        return values;
    }

    /** Returns the deploy, replace and delete latencies in nanoseconds, warm-up rounds left out. */
    private static long[][] measure(Watcher watcher, Path work, int rounds, int warmup) throws Exception {
        long[][] samples = new long[3][rounds];
        try (EmbeddedHost host = EmbeddedHost.start(watcher, work)) {
            Greeter greeter = host.greeter();
            PluginFolder folder = host.folder();
            String baseline = greeter.greet("Bob");
            for (int round = -warmup; round < rounds; round++) {
                int n = round + warmup;
                String deployed = "deploy-" + n;
                String replaced = "replace-" + n;
                folder.stage(FILE, PluginJars.greeter(NAME, "1.0." + n, NAME, deployed, 100));
                pause(watcher);
                long landed = System.nanoTime();
                folder.moveIn(FILE);
                long deployTime = PluginFolder.awaitAnswer(greeter, deployed::equals, TIMEOUT_MILLIS) - landed;

                folder.stage(FILE, PluginJars.greeter(NAME, "2.0." + n, NAME, replaced, 100));
                pause(watcher);
                landed = System.nanoTime();
                folder.moveIn(FILE);
                long replaceTime = PluginFolder.awaitAnswer(greeter, replaced::equals, TIMEOUT_MILLIS) - landed;

                pause(watcher);
                long deleted = System.nanoTime();
                folder.delete(FILE);
                long deleteTime = PluginFolder.awaitAnswer(greeter, baseline::equals, TIMEOUT_MILLIS) - deleted;
                if (round >= 0) {
                    samples[0][round] = deployTime;
                    samples[1][round] = replaceTime;
                    samples[2][round] = deleteTime;
                }
            }
        } finally {
            Workspace.delete(work);
        }
        return samples;
    }

    /**
     * Waits 20 ms (the previous step's refresh settles) plus a random part of one poll period
     * (50 ms for Plugboard), so a pollster is not measured always at the same point of its cycle.
     */
    static void pause(Watcher watcher) throws InterruptedException {
        int spread = Math.max(50, watcher.pollMillis);
        Thread.sleep(20 + ThreadLocalRandom.current().nextInt(spread));
    }
}
