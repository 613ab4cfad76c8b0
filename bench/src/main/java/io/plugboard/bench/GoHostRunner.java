package io.plugboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs go-plugin's own host, gohost, on the plugin: {@code NewClient} + {@code Dispense}, then
 * the same workload as {@link KvWorkload}, timed in Go.
 */
final class GoHostRunner {

    private static final long TIMEOUT_SECONDS = 300;

    private final Path gohost;
    private final Path plugin;

    GoHostRunner(Path gohost, Path plugin) {
        this.gohost = gohost;
        this.plugin = plugin;
    }

    /**
     * One run of gohost.
     *
     * @param workDir the plugin's working directory (its store)
     * @param socketDir where the plugin makes its Unix socket: gohost's {@code TMPDIR}, which
     *        go-plugin's client passes on to the plugin (the Java host passes its own the same way)
     * @param log where gohost's standard output goes; its standard error goes to {@code log.err}
     */
    HostFigures run(KvWorkload workload, Path workDir, Path socketDir, Path log) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(gohost.toString(), "-plugin", plugin.toString(),
                "-n", Integer.toString(workload.calls()), "-warmup", Integer.toString(workload.warmup()),
                "-value-size", Integer.toString(workload.value().length), "-dir", workDir.toString()))
                .redirectOutput(log.toFile())
                .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
        builder.environment().put("TMPDIR", socketDir.toString());
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("gohost did not finish within " + TIMEOUT_SECONDS + " s; see " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("gohost exited with " + process.exitValue() + "; its output: " + lines
                    + ", its errors: " + Files.readAllLines(log.resolveSibling(log.getFileName() + ".err")));
        }
        return GoHostOutput.parse(lines, workload.calls(), workload.value().length);
    }
}
