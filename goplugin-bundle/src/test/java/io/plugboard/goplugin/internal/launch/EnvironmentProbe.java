package io.plugboard.goplugin.internal.launch;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a second JVM by {@link PluginProcessTest}, with an environment of the test's choosing:
 * starts the plugin script given as first argument through plugboard-spawner, then through the
 * JVM's way, and prints for each {@code <way>: <line>} for every line the plugin wrote to stderr
 * until its line {@code done}, then {@code <way>: socket in <the folder of the handshake's address>}.
 */
public final class EnvironmentProbe {

    private EnvironmentProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]);
        report("spawner", new PluginLauncher(), script);
        report("jvm", new PluginLauncher(null), script);
    }

    private static void report(String way, PluginLauncher launcher, Path script) throws Exception {
        try {
            RecordingOutput output = new RecordingOutput();
            PluginProcess plugin = launcher.start(Scripts.spec(script, script.getParent(), Duration.ofSeconds(10)),
                    output);
            try {
                output.await("done");
                if (launcher.usesSpawner() != way.equals("spawner")) {
                    throw new IllegalStateException(way + ": the spawner was " + (launcher.usesSpawner() ? "" : "not ")
                            + "used");
                }
                for (RecordingOutput.Line line : output.lines()) {
                    System.out.println(way + ": " + line.message());
                }
                System.out.println(way + ": socket in " + Path.of(plugin.handshake().address()).getParent());
            } finally {
                plugin.kill();
            }
        } finally {
            launcher.close();
        }
    }
}
