package io.plugboard.goplugin.internal.launch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.osgi.service.log.LogLevel;

/** Bash scripts that act as go-plugin plugins, and what the tests need around them. */
final class Scripts {

    /** Makes a Unix-socket-like file in $TMPDIR, as go-plugin does, and prints a valid gRPC handshake. */
    static final String HANDSHAKE = "sock=\"$TMPDIR/plugin$$\"\ntouch \"$sock\"\necho \"1|1|unix|$sock|grpc|\"\n";

    /** Replaces the shell with a long sleep, so the plugin's pid is the process that goes on running. */
    static final String SLEEP = "exec sleep 600\n";

    private Scripts() {
    }

    /** Writes an executable bash script with the given body. */
    static Path write(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/bash\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** A spec for kv.go with cookie BASIC_PLUGIN=hello, versions 1 and 2 and the given socket directory. */
    static LaunchSpec spec(Path command, Path dir, Duration timeout) {
        return new LaunchSpec("kv.go", "1.0.0", command, List.of(), dir, Map.of(), "BASIC_PLUGIN", "hello",
                List.of(1, 2), dir, timeout);
    }

    /**
     * The command that runs {@code main} in a JVM of its own with this module's classes, its test
     * classes and OSGi Log (what the launcher needs): a host whose environment the test chooses,
     * or one it can kill.
     */
    static List<String> javaCommand(Class<?> main, String... args) throws Exception {
        String classPath = String.join(File.pathSeparator, List.of(location(PluginLauncher.class),
                location(main), location(LogLevel.class)));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /**
     * Whether the process is gone: no such pid, or a zombie (an orphan whose new parent has not
     * reaped it yet is dead all the same).
     */
    static boolean gone(long pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException noSuchProcess) {
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
    }

    /** Polls (bounded) until the condition holds; false if it never did. */
    static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
