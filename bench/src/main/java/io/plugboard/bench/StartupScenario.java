package io.plugboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of the real runtime: {@code java -jar plugboard.jar} as a child process with
 * {@code plugin:greet Bob} piped in; the time runs from just before the process is started to the
 * line with the greeting on its standard output (JVM start included), and to the process's exit.
 */
final class StartupScenario implements Scenario {

    private static final String EXPECTED = "Hello, Bob!";
    private static final long TIMEOUT_SECONDS = 60;

    /** The two times of one run, in nanoseconds from process start. */
    private record Run(long firstCall, long exit) {
    }

    @Override
    public void run(BenchOptions options, Workspace workspace, Report report) throws Exception {
        Path jar = runtimeJar(options);
        Report.Section section = report.section("Start-up of java -jar plugboard.jar, piped plugin:greet Bob",
                "measure", "median", "min", "max", "target");
        if (jar == null) {
            section.note("skipped: plugboard.jar not found; build it (mvn -pl bench -am package) or pass --runtime");
            return;
        }
        int runs = options.startupRuns();
        BenchMain.progress("startup: " + runs + " first starts and " + runs + " restarts of " + jar);
        long[] firstCall = new long[runs];
        long[] firstExit = new long[runs];
        long[] againCall = new long[runs];
        long[] againExit = new long[runs];
        // One run unrecorded: the first read of the jar from disk is not what a user sees twice.
        Path warm = workspace.fresh("startup-warmup");
        start(jar, warm);
        Workspace.delete(warm);
        for (int i = 0; i < runs; i++) {
            Path dir = workspace.fresh("startup");
            Run fresh = start(jar, dir);
            Run again = start(jar, dir);
            firstCall[i] = fresh.firstCall();
            firstExit[i] = fresh.exit();
            againCall[i] = again.firstCall();
            againExit[i] = again.exit();
            Workspace.delete(dir);
        }
        row(section, "first start (empty folders): first plugin call", firstCall, "500 ms");
        row(section, "first start: process exit", firstExit, "");
        row(section, "restart (folders kept): first plugin call", againCall, "500 ms");
        row(section, "restart: process exit", againExit, "");
        section.note(runs + " runs each, after one unrecorded run; the time includes starting the child JVM ("
                + javaCommand() + ").");
    }

    private static void row(Report.Section section, String measure, long[] samples, String target) {
        Stats stats = Stats.of(samples);
        long min = java.util.Arrays.stream(samples).min().orElse(0);
        section.row(measure, Report.millis(stats.median()), Report.millis(min), Report.millis(stats.max()), target);
    }

    private static Run start(Path jar, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(javaCommand(), "-jar", jar.toString(),
                "--plugins", dir.resolve("plugins").toString(), "--data", dir.resolve("data").toString()))
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
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
            throw new IllegalStateException("plugboard.jar did not print '" + EXPECTED + "' within "
                    + TIMEOUT_SECONDS + " s");
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("plugboard.jar did not exit within " + TIMEOUT_SECONDS + " s");
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
                "plugboard.jar exited without printing '" + EXPECTED + "'"));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** --runtime, else plugboard.jar next to the bench jar, else runtime/target/plugboard.jar here. */
    static Path runtimeJar(BenchOptions options) {
        if (options.runtimeJar() != null) {
            return options.runtimeJar();
        }
        try {
            Path self = Path.of(StartupScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = self.resolveSibling("plugboard.jar");
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // Fall through to the working directory.
        }
        Path inRepository = Path.of("runtime", "target", "plugboard.jar");
        return Files.isRegularFile(inRepository) ? inRepository.toAbsolutePath() : null;
    }
}
