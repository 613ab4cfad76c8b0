package io.plugboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of the real runtime, both ways it is started: the launcher script {@code bin/plugboard}
 * (JVM options and the class archive the build made) and plain {@code java -jar plugboard.jar}, as
 * child processes with {@code plugin:greet Bob} piped in, measured in the same run, alternately.
 * The time runs from just before the process is started to the line with the greeting on its
 * standard output (JVM start included), and to the process's exit.
 */
final class StartupScenario implements Scenario {

    private static final String EXPECTED = "Hello, Bob!";
    private static final long TIMEOUT_SECONDS = 60;

    /** The two times of one run, in nanoseconds from process start. */
    private record Run(long firstCall, long exit) {
    }

    /** One way to start the runtime: the command before the runtime's own arguments. */
    private record Launcher(String label, List<String> command) {
    }

    /** The samples of one launcher: first start and restart, first call and exit. */
    private static final class Samples {
        final long[] firstCall;
        final long[] firstExit;
        final long[] againCall;
        final long[] againExit;

        Samples(int runs) {
            firstCall = new long[runs];
            firstExit = new long[runs];
            againCall = new long[runs];
            againExit = new long[runs];
        }
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Path jar = runtimeJar(options);
        Report.Section section = report.section("Start-up of the runtime, piped plugin:greet Bob",
                "launcher and measure", "median", "min", "max", "target");
        if (jar == null) {
            section.note("skipped: plugboard.jar not found; build it (mvn -pl bench -am package) or pass --runtime");
            return;
        }
        List<Launcher> launchers = new ArrayList<>();
        Path script = script(jar);
        if (script != null) {
            launchers.add(new Launcher("bin/plugboard", List.of(script.toString())));
        }
        launchers.add(new Launcher("java -jar", List.of(javaCommand(), "-jar", jar.toString())));
        int runs = options.startupRuns();
        BenchMain.progress("startup: " + runs + " first starts and " + runs + " restarts each of "
                + launchers.stream().map(Launcher::label).toList() + ", " + jar);
        Map<Launcher, Samples> samples = new LinkedHashMap<>();
        launchers.forEach(launcher -> samples.put(launcher, new Samples(runs)));
        // One unrecorded run each: the first read of the files from disk is not what a user sees twice.
        for (Launcher launcher : launchers) {
            Path warm = workspace.fresh("startup-warmup");
            start(launcher, warm);
            Workspace.delete(warm);
        }
        // Alternately, so a change in the machine's load falls on both launchers alike.
        for (int i = 0; i < runs; i++) {
            for (Launcher launcher : launchers) {
                Path dir = workspace.fresh("startup");
                Run fresh = start(launcher, dir);
                Run again = start(launcher, dir);
                Samples s = samples.get(launcher);
                s.firstCall[i] = fresh.firstCall();
                s.firstExit[i] = fresh.exit();
                s.againCall[i] = again.firstCall();
                s.againExit[i] = again.exit();
                Workspace.delete(dir);
            }
        }
        samples.forEach((launcher, s) -> {
            String name = launcher.label();
            row(section, name + ", restart (folders kept): first plugin call", s.againCall, "500 ms");
            row(section, name + ", restart: process exit", s.againExit, "");
            row(section, name + ", first start (empty folders): first plugin call", s.firstCall, "500 ms");
            row(section, name + ", first start: process exit", s.firstExit, "");
        });
        section.note(runs + " runs each, alternating, after one unrecorded run each; the times include starting the JVM ("
                + javaCommand() + ").");
        if (script == null) {
            section.note("bin/plugboard skipped: no bin/plugboard beside " + jar.getParent()
                    + " (build the runtime module, or pass --runtime runtime/target/plugboard.jar)");
        } else {
            section.note("bin/plugboard = " + script + " with JAVA_HOME=" + System.getProperty("java.home")
                    + " (its JVM options and the class archive " + jar.resolveSibling("plugboard.jsa").getFileName()
                    + (Files.isRegularFile(jar.resolveSibling("plugboard.jsa")) ? "" : ", MISSING") + ")");
        }
    }

    private static void row(Report.Section section, String measure, long[] samples, String target) {
        Stats stats = Stats.of(samples);
        long min = java.util.Arrays.stream(samples).min().orElse(0);
        section.row(measure, Report.millis(stats.median()), Report.millis(min), Report.millis(stats.max()), target);
    }

    private static Run start(Launcher launcher, Path dir) throws Exception {
        List<String> command = new ArrayList<>(launcher.command());
        command.addAll(List.of("--plugins", dir.resolve("plugins").toString(), "--data", dir.resolve("data").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // The script runs the bench's own Java, with nothing added from the caller's environment.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("PLUGBOARD_JAVA_OPTS");
        builder.environment().remove("PLUGBOARD_PLUGINS");
        long start = System.nanoTime();
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("plugin:greet Bob\n".getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<Long> answered = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(process, answered), "bench-startup-output");
        reader.setDaemon(true);
        reader.start();
        long firstCall;
        try {
            firstCall = answered.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - start;
        } catch (java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(launcher.label() + " did not print '" + EXPECTED + "' within "
                    + TIMEOUT_SECONDS + " s");
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(launcher.label() + " did not exit within " + TIMEOUT_SECONDS + " s");
        }
        return new Run(firstCall, System.nanoTime() - start);
    }

    /** Completes with nanoTime when the greeting line arrives; reads on so the child never blocks. */
    private static void readOutput(Process process, CompletableFuture<Long> answered) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!answered.isDone() && line.contains(EXPECTED)) {
                    answered.complete(System.nanoTime());
                }
            }
        } catch (IOException e) {
            answered.completeExceptionally(e);
        }
        answered.completeExceptionally(new IllegalStateException(
                "the runtime exited without printing '" + EXPECTED + "'"));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** bin/plugboard of the distribution the jar belongs to ({@code <jar's folder>/bin/plugboard}), or null. */
    static Path script(Path jar) {
        Path script = jar.toAbsolutePath().resolveSibling("bin").resolve("plugboard");
        return Files.isRegularFile(script) && Files.isExecutable(script) ? script : null;
    }

    /**
     * --runtime, else the build's distribution (the jar with bin/plugboard and its class archive):
     * runtime/target/plugboard.jar in the current folder, then in the repository the bench was
     * built in (from bench/target, wherever the bench is run from); else the copy of
     * plugboard.jar next to the bench (jar only).
     */
    static Path runtimeJar(BenchOptions options) {
        if (options.runtimeJar() != null) {
            return options.runtimeJar();
        }
        return runtimeJar(Path.of(""), BenchMain.ownLocation());
    }

    /**
     * The runtime jar found from {@code folder} (the current one) or from {@code bench}, the bench
     * jar (bench/target/plugboard-bench.jar) or its classes folder (bench/target/classes); null if none.
     */
    static Path runtimeJar(Path folder, Path bench) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(folder.resolve("runtime").resolve("target").resolve("plugboard.jar"));
        if (bench != null) {
            Path target = bench.toAbsolutePath().getParent();
            Path module = target != null ? target.getParent() : null;
            if (module != null && module.getParent() != null) {
                candidates.add(module.resolveSibling("runtime").resolve("target").resolve("plugboard.jar"));
            }
            candidates.add(bench.toAbsolutePath().resolveSibling("plugboard.jar"));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return null;
    }
}
