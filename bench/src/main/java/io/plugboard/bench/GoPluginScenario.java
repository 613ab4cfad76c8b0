package io.plugboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.plugboard.goplugin.internal.wire.PluginChannels;

/**
 * The go-plugin host against go-plugin's own: the same kv-go binary (an unmodified go-plugin
 * 1.0.1 plugin), the same workload ({@link KvWorkload}, gohost's), in the same run, for
 * <ul>
 * <li>the Java host's launch and wire layers called directly ({@link JavaWireHost}),</li>
 * <li>the Java host as the runtime runs it: the goplugin bundle in Felix, calls on its
 * KeyValueStore service ({@link JavaRegistryHost}),</li>
 * <li>gohost: go-plugin's {@code NewClient} + {@code Dispense} ({@link GoHostRunner}).</li>
 * </ul>
 * One unrecorded warm-up round (shorter), then the recorded rounds, each running the three hosts
 * one after the other in an order that rotates from round to round, so that noise on the
 * machine falls on all of them. Each call figure is the median over the rounds of that round's
 * figure. A start is one sample per round, too few for a median: after the rounds come start
 * samples (start, first Put, stop; rotating order too), and the start figures are medians over
 * all starts. The gostart scenario runs only the warm-up round and twice as many start samples.
 */
final class GoPluginScenario implements Scenario {

    static final int CALLS = 20_000;
    static final int WARMUP = 2_000;
    static final int VALUE_SIZE = 64;
    /** The warm-up round's measured calls: enough to load and compile the call path, not more. */
    private static final int WARMUP_ROUND_CALLS = 2_000;

    /** A start sample: start, first Put, one health check and one Put+Get (gohost needs one), stop. */
    private static final KvWorkload START_SAMPLE = KvWorkload.of(1, 0, VALUE_SIZE);

    /** The start target (Java within 1.5 times Go) and the per-call target (no worse than Go). */
    static final double START_TARGET = 1.5;
    static final double CALL_TARGET = 1.0;

    /** The hosts compared. */
    enum Host {
        WIRE("Java, launch + wire layers"),
        GO("Go, go-plugin's client"),
        REGISTRY("Java, registry's kv stand-in in Felix");

        final String label;

        Host(String label) {
            this.label = label;
        }
    }

    private final boolean startsOnly;

    /** @param startsOnly only the start samples (the gostart scenario), no rounds of calls */
    GoPluginScenario(boolean startsOnly) {
        this.startsOnly = startsOnly;
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Path bin = goBin(options).toAbsolutePath();
        Path kvGo = bin.resolve("kv-go");
        Path gohost = bin.resolve("gohost");
        for (Path program : List.of(kvGo, gohost)) {
            if (!Files.isExecutable(program)) {
                throw new IllegalStateException(program + " is missing or not executable; build it with "
                        + "mvn -pl bench -am package, or pass --go-bin");
            }
        }
        int rounds = startsOnly ? 0 : options.goPluginRounds();
        int starts = startsOnly ? 2 * options.goPluginStarts() : options.goPluginStarts();
        ScratchFolder scratch = ScratchFolder.create();
        String loadBefore = loadAverage();
        BenchMain.progress("goplugin: " + rounds + " rounds of " + CALLS + " calls, " + starts + " starts of each host,"
                + " plugin files on " + scratch.where());
        Map<Host, List<HostFigures>> recorded = new EnumMap<>(Host.class);
        Map<Host, List<HostFigures>> started = new EnumMap<>(Host.class);
        Map<Host, HostFigures> cold;
        List<Long> hashes = new ArrayList<>();
        Path nativeDir = workspace.fresh("goplugin-native");
        Path socketRoot = Files.createDirectories(scratch.dir().resolve("s"));
        try (JavaWireHost wire = new JavaWireHost(kvGo, nativeDir);
                JavaRegistryHost registry = JavaRegistryHost.start(workspace.fresh("goplugin-felix"), kvGo, socketRoot)) {
            GoHostRunner go = new GoHostRunner(gohost, kvGo);
            Path logs = workspace.fresh("goplugin-logs");
            Round round = new Round(wire, registry, go, scratch.dir(), socketRoot, logs);
            BenchMain.progress("goplugin: warm-up round (not recorded)");
            // Calls in the warm-up round even for starts only: they compile the call path the start uses.
            cold = round.run(0, KvWorkload.of(WARMUP_ROUND_CALLS, WARMUP, VALUE_SIZE));
            for (int r = 1; r <= rounds; r++) {
                BenchMain.progress("goplugin: round " + r + " of " + rounds);
                round.run(r, KvWorkload.of(CALLS, WARMUP, VALUE_SIZE)).forEach((host, figures) -> {
                    recorded.computeIfAbsent(host, h -> new ArrayList<>()).add(figures);
                    started.computeIfAbsent(host, h -> new ArrayList<>()).add(figures);
                });
                hashes.add(sha256Nanos(kvGo));
            }
            BenchMain.progress("goplugin: " + starts + " starts of each host");
            for (int s = 1; s <= starts; s++) {
                round.run(rounds + s, START_SAMPLE).forEach(
                        (host, figures) -> started.computeIfAbsent(host, h -> new ArrayList<>()).add(figures));
                if (startsOnly) {
                    hashes.add(sha256Nanos(kvGo));
                }
            }
        } finally {
            Workspace.delete(scratch.dir());
        }
        if (startsOnly) {
            reportStarts(report, started, cold, scratch, loadBefore);
        } else {
            report(report, recorded, started, cold, rounds, scratch, loadBefore);
        }
        explainStart(report, started.get(Host.WIRE), started.get(Host.REGISTRY), started.get(Host.GO), hashes,
                Files.size(kvGo));
    }

    /** How long the SHA-256 of the binary takes, computed as the goplugin bundle's Hashes does. */
    private static long sha256Nanos(Path binary) throws IOException {
        long start = System.nanoTime();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(binary)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return System.nanoTime() - start;
    }

    /**
     * Where each host's start goes: both split at the handshake line, then the Java host's steps
     * after it, and what the descriptor's install adds.
     */
    private static void explainStart(Report report, List<HostFigures> wire, List<HostFigures> registry,
            List<HostFigures> go, List<Long> hashes, long binaryBytes) {
        Report.Section section = report.section(
                "go-plugin host: where start + first Put goes (medians over the starts)", "step", "Java", "Go");
        section.row("exec -> handshake line read and checked (Java: through plugboard-spawner, the reserve channel"
                + " claimed meanwhile; Go: client.Start)", cell(wire, HostFigures::handshake),
                cell(go, HostFigures::handshake));
        section.row("handshake -> first Put answered", cell(wire, f -> f.startFirstCall() - f.handshake()),
                cell(go, f -> f.startFirstCall() - f.handshake()));
        section.row("  Java: address handed to the channel (it connects; the first check waited in it)",
                phaseCell(wire, HostFigures.StartPhases::connect), "-");
        section.row("  Java: connection up and Health/Check reports SERVING",
                phaseCell(wire, HostFigures.StartPhases::serving), "-");
        section.row("  Java: first Put answered", phaseCell(wire, HostFigures.StartPhases::firstPut), "-");
        section.row("descriptor: install (descriptor read, the same start, service registered while it connects)",
                installCell(registry, HostFigures.InstallPhases::install), "-");
        section.row("descriptor: first Put through the registry's kv stand-in answered",
                installCell(registry, HostFigures.InstallPhases::firstPut), "-");
        section.row("install, only when the descriptor pins sha256: SHA-256 of kv-go (" + Report.mib(binaryBytes) + ")",
                cell(hashes.stream().mapToLong(Long::longValue).toArray()), "-");
        section.note("Over every start of each host (the rounds' and the start samples). The Java column is the"
                + " wire host's, except in the descriptor rows (the goplugin bundle in Felix). After its handshake,"
                + " go-plugin's client dials without waiting (the first Put connects), checks no health, and hashes"
                + " nothing (no SecureConfig).");
    }

    private static String cell(List<HostFigures> figures, ToLongFunction<HostFigures> figure) {
        return cell(figures.stream().mapToLong(figure).toArray());
    }

    private static String installCell(List<HostFigures> figures, ToLongFunction<HostFigures.InstallPhases> phase) {
        return cell(figures.stream().mapToLong(f -> phase.applyAsLong(f.install())).toArray());
    }

    private static String phaseCell(List<HostFigures> figures, ToLongFunction<HostFigures.StartPhases> phase) {
        return cell(figures.stream().mapToLong(f -> phase.applyAsLong(f.phases())).toArray());
    }

    /** One round: the three hosts, each on a fresh plugin process with fresh files. */
    private record Round(JavaWireHost wire, JavaRegistryHost registry, GoHostRunner go, Path scratch, Path socketRoot,
            Path logs) {

        Map<Host, HostFigures> run(int index, KvWorkload workload) throws Exception {
            Map<Host, HostFigures> figures = new EnumMap<>(Host.class);
            Host[] hosts = Host.values();
            for (int i = 0; i < hosts.length; i++) {
                Host host = hosts[(i + index) % hosts.length];
                Path work = scratch.resolve("r" + index + "-" + host.name().toLowerCase(Locale.ROOT));
                Files.createDirectories(work);
                try {
                    figures.put(host, switch (host) {
                        case WIRE -> wire.run(workload, work, Files.createTempDirectory(socketRoot, "pb"));
                        case REGISTRY -> registry.run(workload, work);
                        case GO -> go.run(workload, work, Files.createTempDirectory(socketRoot, "go"),
                                logs.resolve("gohost-" + index + ".out"));
                    });
                } finally {
                    Workspace.delete(work);
                }
            }
            return figures;
        }
    }

    /** The gostart scenario's table: the start rows only. */
    private static void reportStarts(Report report, Map<Host, List<HostFigures>> started, Map<Host, HostFigures> cold,
            ScratchFolder scratch, String loadBefore) {
        Report.Section section = report.section("go-plugin host: start + first Put, Plugboard's Java host vs go-plugin's"
                + " own Go host (kv-go over gRPC, Unix socket)", "measure", "Java", "Go", "Java/Go", "target", "met");
        startRows(section, started);
        section.note("Median of " + started.get(Host.GO).size() + " starts of each host (min-max in brackets); the"
                + " order of the hosts rotates per start. Plugin files on " + scratch.where() + ".");
        coldAndLoad(section, cold, loadBefore);
    }

    /**
     * The start rows. The ×1.5 target is on the wire host's start, which takes the steps go-plugin's
     * client takes (exec, handshake, connect, first call); the descriptor row adds what the Go host
     * has no counterpart for (reading the descriptor, publishing an OSGi service, the registry's
     * stand-in) and is shown, without a target, as the path a dropped descriptor takes.
     */
    private static void startRows(Report.Section section, Map<Host, List<HostFigures>> started) {
        start(section, "start + first Put: launch + wire", started.get(Host.WIRE), started.get(Host.GO), true);
        start(section, "start + first Put: install descriptor -> registry kv", started.get(Host.REGISTRY),
                started.get(Host.GO), false);
        section.note("The start target is on the launch + wire row, the steps go-plugin's client takes (exec,"
                + " handshake, connect, first call); the descriptor row adds reading the descriptor, publishing an"
                + " OSGi service and the registry's stand-in, which the Go host has no counterpart for.");
    }

    private static void coldAndLoad(Report.Section section, Map<Host, HostFigures> cold, String loadBefore) {
        section.note(String.format(Locale.ROOT, "Warm-up round (not in the table), first start in this JVM: wire %s,"
                        + " KeyValueStore %s, Go %s.", Report.millis(cold.get(Host.WIRE).startFirstCall()),
                Report.millis(cold.get(Host.REGISTRY).startFirstCall()), Report.millis(cold.get(Host.GO).startFirstCall())));
        section.note("Load average (1 min) before: " + loadBefore + ", after: " + loadAverage() + ".");
    }

    private static void report(Report report, Map<Host, List<HostFigures>> recorded,
            Map<Host, List<HostFigures>> started, Map<Host, HostFigures> cold, int rounds, ScratchFolder scratch,
            String loadBefore) {
        Report.Section section = report.section("go-plugin host: Plugboard's Java host vs go-plugin's own Go host"
                        + " (kv-go over gRPC, Unix socket)",
                "measure", "Java", "Go", "Java/Go", "target", "met");
        List<HostFigures> wire = recorded.get(Host.WIRE);
        List<HostFigures> registry = recorded.get(Host.REGISTRY);
        List<HostFigures> go = recorded.get(Host.GO);
        startRows(section, started);
        perCall(section, "Health/Check, median (wire)", wire, go, f -> f.ping().median(), true);
        perCall(section, "Health/Check, p99 (wire)", wire, go, f -> f.ping().p99(), false);
        perCall(section, "Put+Get, median (wire)", wire, go, f -> f.putGet().median(), true);
        perCall(section, "Put+Get, p99 (wire)", wire, go, f -> f.putGet().p99(), false);
        perCall(section, "Put+Get, median (KeyValueStore)", registry, go, f -> f.putGet().median(), true);
        perCall(section, "Put+Get, p99 (KeyValueStore)", registry, go, f -> f.putGet().p99(), false);
        section.note("Start rows: median of the " + started.get(Host.GO).size() + " starts of each host (the rounds'"
                + " and the start samples after them: start, first Put, one call of each kind, stop), min-max in brackets.");
        section.note("Call rows: median of " + rounds + " rounds (min-max over the rounds in brackets); in each round every host"
                + " starts its own kv-go process, makes " + WARMUP + " health checks and " + WARMUP
                + " Put+Get pairs unrecorded, then " + CALLS + " of each, timed one by one (" + VALUE_SIZE
                + "-byte values, distinct keys, each Get checked). The order of the hosts rotates per round.");
        section.note("Go = gohost (go-plugin 1.0.1 NewClient + Dispense, Debian's Go); wire = PluginLauncher +"
                + " PluginChannels + PluginChannel on the class path; KeyValueStore = the goplugin bundle in Felix,"
                + " the descriptor installed through its PluginFileHandler, calls through the host registry's kv"
                + " stand-in (PluginRegistry.service, kv.go selected) to the service it registers.");
        section.note("Both Java hosts' event loop polls for " + PluginChannels.spinWindow(System.getProperty(
                PluginChannels.SPIN_PROPERTY)).toNanos() / 1000 + " µs after its last work before it blocks ("
                + PluginChannels.SPIN_PROPERTY + "; 0 blocks at once), as Go's scheduler spins before it sleeps.");
        section.note("Plugin files on " + scratch.where() + "; p99 has no target (the machine's noise shows there first).");
        coldAndLoad(section, cold, loadBefore);
    }

    private static void start(Report.Section section, String measure, List<HostFigures> java, List<HostFigures> go,
            boolean targeted) {
        row(section, measure, java, go, HostFigures::startFirstCall, START_TARGET, targeted);
    }

    private static void perCall(Report.Section section, String measure, List<HostFigures> java, List<HostFigures> go,
            Function<HostFigures, Long> figure, boolean targeted) {
        row(section, measure, java, go, figure, CALL_TARGET, targeted);
    }

    private static void row(Report.Section section, String measure, List<HostFigures> java, List<HostFigures> go,
            Function<HostFigures, Long> figure, double target, boolean targeted) {
        long[] javaValues = java.stream().mapToLong(figure::apply).toArray();
        long[] goValues = go.stream().mapToLong(figure::apply).toArray();
        double ratio = ratio(Stats.of(javaValues).median(), Stats.of(goValues).median());
        section.row(measure, cell(javaValues), cell(goValues), String.format(Locale.ROOT, "%.2f", ratio),
                targeted ? String.format(Locale.ROOT, "<= %.1f", target) : "",
                targeted ? (ratio <= target ? "yes" : "NO") : "");
    }

    /** Java's figure divided by Go's. */
    static double ratio(long java, long go) {
        return go <= 0 ? Double.NaN : (double) java / go;
    }

    /** The median over the rounds with their range, in µs below 10 ms, else in ms. */
    static String cell(long[] values) {
        Stats stats = Stats.of(values);
        long min = java.util.Arrays.stream(values).min().orElse(0);
        return time(stats.median()) + " (" + time(min) + "-" + time(stats.max()) + ")";
    }

    private static String time(long nanos) {
        return nanos >= 10_000_000 ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%d µs", Math.round(nanos / 1e3));
    }

    /** The 1-minute load average, or "unknown". */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** --go-bin, else go-bin next to the bench jar, else go-plugins/target/bin here. */
    static Path goBin(BenchOptions options) {
        if (options.goBin() != null) {
            return options.goBin();
        }
        Path self = BenchMain.ownLocation();
        if (self != null && Files.isDirectory(self.resolveSibling("go-bin"))) {
            return self.resolveSibling("go-bin");
        }
        return Path.of("go-plugins", "target", "bin").toAbsolutePath();
    }
}
