package io.plugboard.goplugin.internal.launch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * No orphans: the parent-death signal ties each plugin to the launcher's own spawning thread, so it
 * outlives the threads that call start, ends with close, and dies with a JVM killed by SIGKILL.
 */
public class PluginLauncherLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private PluginLauncher launcher;
    private Path dir;

    @Before
    public void setUp() {
        // These tests are about the parent-death signal, which needs Linux and setpriv.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")));
        launcher = new PluginLauncher();
        dir = temp.getRoot().toPath();
    }

    @After
    public void tearDown() {
        if (launcher != null) {
            launcher.close();
        }
    }

    @Test
    public void pluginOutlivesTheThreadThatStartedIt() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + Scripts.SLEEP);
        AtomicReference<Object> started = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                started.set(launcher.start(Scripts.spec(script, dir, WAIT), (level, message, fields) -> { }));
            } catch (HandshakeException | RuntimeException e) {
                started.set(e);
            }
        }, "short-lived caller");
        caller.start();
        caller.join();
        assertTrue(String.valueOf(started.get()), started.get() instanceof PluginProcess);
        PluginProcess plugin = (PluginProcess) started.get();
        // Had the caller forked it, its parent-death signal would have fired when the caller ended.
        assertFalse("the plugin still runs after its caller ended", plugin.awaitExit(Duration.ofMillis(500)));
        plugin.kill();
    }

    @Test
    public void closeEndsTheSpawningThreadAndWithItAPluginStillRunning() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + Scripts.SLEEP);
        PluginProcess plugin = launcher.start(Scripts.spec(script, dir, WAIT), (level, message, fields) -> { });
        launcher.close();
        assertTrue("the parent-death signal ended the plugin", plugin.awaitExit(WAIT));
        assertEquals("SIGKILL", plugin.exit().get().signal());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> launcher.start(Scripts.spec(script, dir, WAIT), (level, message, fields) -> { }));
        assertEquals("the plugin launcher is closed", e.getMessage());
    }

    @Test
    public void pluginDiesWithAJvmKilledBySigkill() throws Exception {
        Path script = Scripts.write(dir, "kv-go", Scripts.HANDSHAKE + Scripts.SLEEP);
        Process jvm = new ProcessBuilder(Scripts.javaCommand(OrphanProbe.class, script.toString()))
                .redirectErrorStream(true).start();
        long pid;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue("the probe printed " + line, line != null && line.startsWith("pid="));
            pid = Long.parseLong(line.substring("pid=".length()));
            assertFalse(Scripts.gone(pid));
            jvm.destroyForcibly();
            assertTrue(jvm.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            jvm.destroyForcibly();
        }
        try {
            assertEquals("the probe JVM died by SIGKILL", 128 + 9, jvm.exitValue());
            assertTrue("plugin pid " + pid + " is gone after its JVM was killed",
                    Scripts.eventually(() -> Scripts.gone(pid), WAIT));
        } finally {
            // Should the test fail, the orphan must not outlive it.
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
