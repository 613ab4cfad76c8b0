package io.plugboard.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the chosen scenarios and prints one table per scenario. Progress goes to standard error,
 * the tables to standard output. See docs/benchmarks.md.
 */
public final class BenchMain {

    private static final long STARTED = System.nanoTime();
    private static final Map<String, Supplier<Scenario>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("jmh", CallPathScenario::new);
        SCENARIOS.put("deploy", HotDeployScenario::new);
        SCENARIOS.put("load", UpdateUnderLoadScenario::new);
        SCENARIOS.put("unload", UnloadScenario::new);
        SCENARIOS.put("startup", StartupScenario::new);
        SCENARIOS.put("bulk", BulkInstallScenario::new);
        SCENARIOS.put("goplugin", () -> new GoPluginScenario(false));
        SCENARIOS.put("gostart", () -> new GoPluginScenario(true));
    }

    private BenchMain() {
    }

    /** Entry point of {@code java -jar plugboard-bench.jar}. */
    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            if (args.length == 1 && args[0].equals("--help")) {
                System.out.println(BenchOptions.USAGE);
                return;
            }
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("plugboard-bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!options.jvmDefaults() && !BenchJvm.hasLauncherOptions()) {
            System.exit(BenchJvm.relaunch(args));
            return;
        }
        Path root = options.work() != null ? options.work() : Files.createTempDirectory("plugboard-bench");
        Workspace workspace = new Workspace(root);
        Report report = new Report();
        boolean failed = false;
        for (String key : options.scenarios()) {
            try {
                SCENARIOS.get(key).get().run(options, workspace, report);
            } catch (Exception | Error e) {
                failed = true;
                progress(key + " failed: " + e);
                e.printStackTrace();
                report.section("Scenario " + key + " FAILED", "error").row(String.valueOf(e));
            }
        }
        System.out.println("# Plugboard benchmark, " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 16) + (options.quick() ? " (--quick)" : ""));
        System.out.println(machine());
        System.out.println(BenchJvm.describe());
        System.out.println();
        System.out.print(report.render());
        System.out.println(String.format(Locale.ROOT, "Total %.0f s; working folder %s",
                (System.nanoTime() - STARTED) / 1e9, root));
        System.exit(failed ? 1 : 0);
    }

    /**
     * Where the bench's classes come from: bench/target/plugboard-bench.jar, or bench/target/classes
     * when run from the build; null if the class path does not say.
     */
    static Path ownLocation() {
        try {
            return Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** One line of progress on standard error, with the time since start. */
    static void progress(String message) {
        System.err.println(String.format(Locale.ROOT, "[%6.1f s] %s", (System.nanoTime() - STARTED) / 1e9, message));
    }

    /** The machine and JVM the figures belong to. */
    static String machine() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "Machine: %d cores, %s %s (%s), %s %s, max heap %s",
                runtime.availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"), Report.mib(runtime.maxMemory()));
    }
}
