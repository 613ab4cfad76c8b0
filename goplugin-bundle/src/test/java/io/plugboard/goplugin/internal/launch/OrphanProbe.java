package io.plugboard.goplugin.internal.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a second JVM by {@link PluginLauncherLifecycleTest}: starts the plugin script given as
 * first argument through a {@link PluginLauncher}, prints {@code pid=<its pid>} and waits to be
 * killed. The test kills this JVM with SIGKILL and checks that the plugin goes with it.
 */
public final class OrphanProbe {

    private OrphanProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]);
        PluginLauncher launcher = new PluginLauncher();
        PluginProcess plugin = launcher.start(Scripts.spec(script, script.getParent(), Duration.ofSeconds(10)),
                (level, message, fields) -> { });
        System.out.println("pid=" + plugin.pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
