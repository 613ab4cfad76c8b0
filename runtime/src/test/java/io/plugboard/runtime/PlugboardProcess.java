package io.plugboard.runtime;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real target/plugboard.jar with {@code java -jar} in a working directory. Output goes to
 * files, not pipes, so a chatty child can never block on a full pipe; every wait is bounded.
 */
final class PlugboardProcess {

    static final long TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private PlugboardProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts the jar in {@code workDir} with JVM options, program arguments and extra environment. */
    static PlugboardProcess start(Path workDir, List<String> jvmOptions, List<String> args, Map<String, String> env)
            throws IOException {
        String jar = System.getProperty("plugboard.jar");
        assertTrue("system property plugboard.jar must name the built jar", jar != null && Files.isRegularFile(Path.of(jar)));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar);
        command.addAll(args);
        Path out = Files.createTempFile(workDir.getParent(), "stdout", ".txt");
        Path err = Files.createTempFile(workDir.getParent(), "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(Options.PLUGINS_ENV);
        builder.environment().putAll(env);
        return new PlugboardProcess(builder.start(), out, err);
    }

    /**
     * Runs the launcher script {@code bin/plugboard} of a distribution folder (the jar's folder)
     * in {@code workDir} with {@code script} piped in and waits for it to exit. The environment is
     * the test's, less JAVA_HOME, PLUGBOARD_JAVA_OPTS and PLUGBOARD_PLUGINS, plus {@code env}.
     */
    static PlugboardProcess runScript(Path distribution, Path workDir, String script, Map<String, String> env,
            String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(distribution.resolve("bin/plugboard").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir.getParent(), "stdout", ".txt");
        Path err = Files.createTempFile(workDir.getParent(), "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("PLUGBOARD_JAVA_OPTS");
        builder.environment().remove(Options.PLUGINS_ENV);
        builder.environment().putAll(env);
        PlugboardProcess p = new PlugboardProcess(builder.start(), out, err);
        p.process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.process.getOutputStream().close();
        p.awaitExit();
        return p;
    }

    /** The folder of the built distribution: plugboard.jar, plugboard.jsa and bin/plugboard. */
    static Path distribution() {
        String jar = System.getProperty("plugboard.jar");
        assertTrue("system property plugboard.jar must name the built jar", jar != null && Files.isRegularFile(Path.of(jar)));
        return Path.of(jar).toAbsolutePath().getParent();
    }

    /** Runs the jar with {@code script} as standard input and waits for it to exit. */
    static PlugboardProcess run(Path workDir, String script, String... args) throws Exception {
        return run(workDir, script, Map.of(), List.of(), args);
    }

    /** As {@link #run(Path, String, String...)} with extra environment and JVM options. */
    static PlugboardProcess run(Path workDir, String script, Map<String, String> env, List<String> jvmOptions,
            String... args) throws Exception {
        PlugboardProcess p = start(workDir, jvmOptions, List.of(args), env);
        p.process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.process.getOutputStream().close();
        p.awaitExit();
        return p;
    }

    /** Waits (bounded) for the process to end and returns its exit code. */
    int awaitExit() throws InterruptedException, IOException {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("plugboard did not exit within " + TIMEOUT_SECONDS + "s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** Waits (bounded) until standard output contains {@code text}. */
    void awaitStdout(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!stdout().contains(text)) {
            if (!process.isAlive()) {
                fail("plugboard exited with " + process.exitValue() + " before printing '" + text + "'; stderr:\n" + stderr());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("plugboard did not print '" + text + "' within " + TIMEOUT_SECONDS + "s");
            }
            Thread.sleep(100);
        }
    }

    /** Waits (bounded) until standard error contains {@code text}. */
    void awaitStderr(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!stderr().contains(text)) {
            if (!process.isAlive()) {
                fail("plugboard exited with " + process.exitValue() + " before printing '" + text + "' on standard"
                        + " error; stderr:\n" + stderr());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("plugboard did not print '" + text + "' on standard error within " + TIMEOUT_SECONDS + "s");
            }
            Thread.sleep(100);
        }
    }

    Process process() {
        return process;
    }

    int exitCode() {
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Standard error's non-blank lines. */
    List<String> stderrLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : stderr().split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Everything the process printed, for assertion messages. */
    String transcript() throws IOException {
        return "exit code " + process.exitValue() + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }
}
