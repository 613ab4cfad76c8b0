package io.plugboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line: which scenarios, against which watchers, how many repetitions.
 *
 * @param quick fewer repetitions everywhere (about two minutes instead of ten)
 * @param scenarios the scenario keys to run, in the order given
 * @param watchers Plugboard and the FileInstall anchors to compare
 * @param runtimeJar the runtime's plugboard.jar for the start-up scenario, or null to look for it
 * @param work the folder for frameworks, plugins and logs, or null for a temporary one
 * @param startupRunsGiven runs per start-up variant from --startup-runs, or 0 for the default
 * @param goBin the folder with kv-go and gohost for the goplugin scenario, or null to look for it
 * @param jvmDefaults measure in this JVM as started, not in one with bin/plugboard's JIT options
 *        ({@link BenchJvm})
 */
record BenchOptions(boolean quick, Set<String> scenarios, List<Watcher> watchers, Path runtimeJar, Path work,
        int startupRunsGiven, Path goBin, boolean jvmDefaults) {

    static final List<String> SCENARIOS = List.of("jmh", "deploy", "load", "unload", "startup", "bulk", "goplugin");

    /** Scenarios only --only runs: parts of a default scenario, for measuring one thing quickly. */
    static final List<String> EXTRA_SCENARIOS = List.of("gostart");

    static final String USAGE = String.join("\n",
            "usage: java -jar bench/target/plugboard-bench.jar [options]",
            "  --quick              fewer repetitions: about 2-3 minutes instead of about 10",
            "  --only LIST          scenarios to run, comma-separated, from: " + String.join(",", SCENARIOS),
            "                       or gostart (only the goplugin scenario's start samples, about 30 s)",
            "  --watchers LIST      watchers to compare, from: plugboard,fi2000,fi50 (default: all)",
            "  --runtime PATH       plugboard.jar for the start-up scenario, with bin/plugboard beside its",
            "                       folder (default: runtime/target/plugboard.jar here, then in the",
            "                       repository the bench was built in, then the copy next to the bench",
            "                       jar, which has no bin/plugboard)",
            "  --startup-runs N     first starts and restarts per launcher (default 5, 2 with --quick)",
            "  --go-bin DIR         kv-go and gohost for the goplugin scenario (default: go-bin next to the",
            "                       bench jar, then go-plugins/target/bin)",
            "  --work DIR           where frameworks and plugin folders go (default: a temporary folder)",
            "  --jvm-defaults       measure in this JVM with its own JIT thresholds; by default the bench",
            "                       runs itself again with bin/plugboard's JIT options, as the runtime runs",
            "  --help               print this and exit");

    /** Parses the arguments; a bad one throws IllegalArgumentException naming it. */
    static BenchOptions parse(String... args) {
        boolean quick = false;
        Set<String> scenarios = new LinkedHashSet<>(SCENARIOS);
        List<Watcher> watchers = List.of(Watcher.PLUGBOARD, Watcher.FILEINSTALL_2000, Watcher.FILEINSTALL_50);
        Path runtime = null;
        Path work = null;
        int startupRuns = 0;
        Path goBin = null;
        boolean jvmDefaults = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--only" -> scenarios = scenarios(value(args, ++i, arg));
                case "--watchers" -> watchers = watchers(value(args, ++i, arg));
                case "--runtime" -> runtime = Path.of(value(args, ++i, arg));
                case "--work" -> work = Path.of(value(args, ++i, arg));
                case "--startup-runs" -> startupRuns = positive(value(args, ++i, arg), arg);
                case "--go-bin" -> goBin = Path.of(value(args, ++i, arg));
                case "--jvm-defaults" -> jvmDefaults = true;
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (runtime != null && !Files.isRegularFile(runtime)) {
            throw new IllegalArgumentException("--runtime " + runtime + ": no such file");
        }
        if (goBin != null && !Files.isDirectory(goBin)) {
            throw new IllegalArgumentException("--go-bin " + goBin + ": no such folder");
        }
        return new BenchOptions(quick, scenarios, watchers, runtime, work, startupRuns, goBin, jvmDefaults);
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException(option + " needs a whole number above 0, not '" + value + "'");
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static Set<String> scenarios(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String key : list.split(",")) {
            String trimmed = key.trim();
            if (!SCENARIOS.contains(trimmed) && !EXTRA_SCENARIOS.contains(trimmed)) {
                throw new IllegalArgumentException("unknown scenario '" + trimmed + "'; known: "
                        + String.join(",", SCENARIOS) + "," + String.join(",", EXTRA_SCENARIOS));
            }
            chosen.add(trimmed);
        }
        return chosen;
    }

    private static List<Watcher> watchers(String list) {
        List<Watcher> chosen = new ArrayList<>();
        for (String key : list.split(",")) {
            Watcher watcher = Watcher.byKey(key.trim());
            if (!chosen.contains(watcher)) {
                chosen.add(watcher);
            }
        }
        return chosen;
    }

    /** Deploy, replace and delete rounds per watcher; fewer at a 2 s poll, where each takes seconds. */
    int deploys(Watcher watcher) {
        if (watcher == Watcher.FILEINSTALL_2000) {
            return quick ? 2 : 6;
        }
        return quick ? 10 : 50;
    }

    /** Updates made while the callers call. */
    int updatesUnderLoad(Watcher watcher) {
        if (watcher == Watcher.FILEINSTALL_2000) {
            return quick ? 2 : 5;
        }
        return quick ? 5 : 20;
    }

    /** Update cycles of the unload scenario. */
    int unloadCycles() {
        return quick ? 100 : 1000;
    }

    /** Threads calling during updates: as many as there are cores, at least two. */
    int callerThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** Runs of the runtime per start-up variant. */
    int startupRuns() {
        if (startupRunsGiven > 0) {
            return startupRunsGiven;
        }
        return quick ? 2 : 5;
    }

    /** Recorded rounds of the goplugin scenario (each: the Java host twice and the Go host once). */
    int goPluginRounds() {
        return quick ? 2 : 5;
    }

    /** Starts (start + first Put + stop) of each host in the goplugin scenario, after its rounds. */
    int goPluginStarts() {
        return quick ? 8 : 20;
    }

    /** Generated plugin bundles installed at once. */
    int bulkCount() {
        return quick ? 200 : 1000;
    }
}
