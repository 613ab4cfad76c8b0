package io.plugboard.bench;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link CallPathBenchmark} with JMH (one fork, GC profiler) and reports ns and bytes per call. */
final class CallPathScenario implements Scenario {

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        boolean quick = options.quick();
        Path log = workspace.root().resolve("jmh.log");
        BenchMain.progress("jmh: direct call vs stand-in, one fork, JMH's log in " + log);
        Options jmh = new OptionsBuilder()
                .include(CallPathBenchmark.class.getName() + "\\.")
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .addProfiler(GCProfiler.class)
                .output(log.toString())
                .build();
        Collection<RunResult> results = new Runner(jmh).run();
        RunResult direct = find(results, "direct");
        RunResult standIn = find(results, "standIn");
        double directNs = direct.getPrimaryResult().getScore();
        double standInNs = standIn.getPrimaryResult().getScore();
        Report.Section section = report.section("Call path (JMH): PluginRegistry.service stand-in vs direct call",
                "measure", "ns per call", "± (99.9 %)", "allocated per call", "target");
        section.row("direct call to the plugin object", ns(directNs), ns(direct.getPrimaryResult().getScoreError()),
                bytes(alloc(direct)), "");
        section.row("call through the stand-in", ns(standInNs), ns(standIn.getPrimaryResult().getScoreError()),
                bytes(alloc(standIn)), "0 B");
        section.row("overhead of the stand-in", ns(standInNs - directNs), "", "",  "< 10 ns");
        section.row("stand-in ÷ direct", String.format(Locale.ROOT, "×%.2f", standInNs / directNs), "", "", "");
        section.note("JMH 1.37, average time, 1 fork, " + jmh.getMeasurementIterations().orElse(0)
                + " measurement iterations; allocation = -prof gc gc.alloc.rate.norm.");
    }

    private static RunResult find(Collection<RunResult> results, String method) {
        for (RunResult result : results) {
            if (result.getParams().getBenchmark().endsWith("." + method)) {
                return result;
            }
        }
        throw new IllegalStateException("JMH returned no result for " + method + "; see jmh.log");
    }

    private static double alloc(RunResult result) {
        for (var entry : result.getSecondaryResults().entrySet()) {
            if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
                Result<?> value = entry.getValue();
                return value.getScore();
            }
        }
        return Double.NaN;
    }

    private static String ns(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f B", value);
    }
}
