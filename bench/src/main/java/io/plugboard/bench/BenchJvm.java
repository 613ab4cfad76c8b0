package io.plugboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench measures Plugboard in a JVM set up as {@code bin/plugboard} sets up the runtime's: with
 * the launcher's JIT options (C2 at ten times its default thresholds, see the script). Started
 * without them, the bench runs itself again in a JVM that has them, and the options this one got;
 * {@code --jvm-defaults} measures in this JVM as it is instead.
 *
 * <p>The options matter most where code runs only a few times per measured step, such as a
 * go-plugin plugin's start: with the JVM's default thresholds, C2 compiles what one start made
 * hot while the next start runs, on the same cores.
 */
final class BenchJvm {

    /**
     * bin/plugboard's options that change how code is compiled; BenchJvmTest checks that the
     * launcher script has each of them.
     */
    static final List<String> LAUNCHER_JIT_OPTIONS = List.of("-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");

    private BenchJvm() {
    }

    /** Whether this JVM was started with every launcher JIT option. */
    static boolean hasLauncherOptions() {
        return hasLauncherOptions(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    static boolean hasLauncherOptions(List<String> jvmArguments) {
        return jvmArguments.containsAll(LAUNCHER_JIT_OPTIONS);
    }

    /**
     * The command that runs the bench again: this Java, this JVM's own options (a heap size, a
     * system property), the launcher's JIT options, the same class path and arguments.
     */
    static List<String> command(Path javaHome, List<String> jvmArguments, String classPath, String mainClass,
            String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(jvmArguments);
        command.addAll(LAUNCHER_JIT_OPTIONS);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs the bench again with the launcher's JIT options, on this terminal; returns its exit code. */
    static int relaunch(String... args) throws IOException, InterruptedException {
        List<String> command = command(Path.of(System.getProperty("java.home")),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"),
                BenchMain.class.getName(), args);
        BenchMain.progress("running in a JVM with bin/plugboard's JIT options: " + String.join(" ", LAUNCHER_JIT_OPTIONS)
                + " (--jvm-defaults runs without them)");
        Process bench = new ProcessBuilder(command).inheritIO().start();
        // A bench stopped with SIGTERM takes its measuring JVM with it (Ctrl-C reaches both anyway).
        Thread stopBench = new Thread(bench::destroy, "plugboard-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopBench);
        int exit = bench.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopBench);
        return exit;
    }

    /** For the report's header: how this JVM compiles. */
    static String describe() {
        return hasLauncherOptions() ? "JIT: bin/plugboard's options (" + String.join(" ", LAUNCHER_JIT_OPTIONS) + ")"
                : "JIT: this JVM's own thresholds, not bin/plugboard's (--jvm-defaults)";
    }
}
