package io.plugboard.host.internal.leaks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

import io.plugboard.host.internal.deploy.FelixFramework;
import io.plugboard.host.internal.deploy.PluginInstallerImpl;
import io.plugboard.host.internal.deploy.TestJars;
import io.plugboard.testing.RecordingLogger;

/** The detector in a real Felix framework: a plugin stop with a thread left behind, and the whole framework's stop. */
public class ThreadLeakDetectorTest {

    private static final long GRACE_MILLIS = 50;

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp,
            Map.of(ThreadLeakDetector.GRACE_PROPERTY, String.valueOf(GRACE_MILLIS)));

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    private final RecordingLogger log = new RecordingLogger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> leftBehind = new ArrayList<>();

    @After
    public void endThreads() throws InterruptedException {
        release.countDown();
        for (Thread thread : leftBehind) {
            thread.join(10_000);
        }
    }

    @Test
    public void aPluginThatLeavesAThreadRunningIsReportedAfterTheGracePeriod() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Bundle plugin = installer.install(jar("a.jar", "io.example.a").toString());
        Thread thread = threadOf(plugin, "a-worker");
        ThreadLeakDetector detector = new ThreadLeakDetector(felix.hostContext(), installer, log.logger());
        try {
            plugin.stop();

            List<LeakedThread> leaks = awaitLeaks(detector, plugin.getBundleId());
            assertEquals(1, leaks.size());
            assertTrue(leaks.get(0).warning(), leaks.get(0).warning().contains("a-worker"));
            assertTrue(leaks.get(0).warning(), leaks.get(0).warning().contains("io.example.a 1.0.0"));
            assertTrue(thread.isAlive());
        } finally {
            detector.deactivate();
        }
    }

    @Test
    public void whenTheWholeFrameworkStopsNoPluginIsScanned() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Bundle plugin = installer.install(jar("b.jar", "io.example.b").toString());
        threadOf(plugin, "b-worker");
        ThreadLeakDetector detector = new ThreadLeakDetector(felix.hostContext(), installer, log.logger());

        // The plugin stops before the host, with its thread still running: a stop of its own
        // would report it (see above), a stop of everything does not even look.
        felix.stop();
        assertEquals(Bundle.RESOLVED, plugin.getState());
        // Ten grace periods: a check scheduled at the stop would have reported by then.
        Thread.sleep(10 * GRACE_MILLIS);

        assertEquals(List.of(), detector.leakedThreads());
        assertEquals(List.of(), log.lines("warn"));
        try {
            detector.deactivate();
        } catch (IllegalStateException contextGone) {
            // The host's context ended with the framework; the checker thread stopped regardless.
        }
    }

    private Path jar(String file, String name) throws Exception {
        return TestJars.write(temp.newFile(file).toPath(), TestJars.plugin(name, "1.0.0"));
    }

    /** A thread that runs with the plugin's class loader as its context loader until the test ends. */
    private Thread threadOf(Bundle plugin, String name) {
        ClassLoader loader = plugin.adapt(BundleWiring.class).getClassLoader();
        Thread thread = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        thread.start();
        leftBehind.add(thread);
        return thread;
    }

    private static List<LeakedThread> awaitLeaks(ThreadLeakDetector detector, long bundleId) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<LeakedThread> leaks = detector.leakedThreads(bundleId);
            if (!leaks.isEmpty()) {
                return leaks;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leak reported for bundle " + bundleId + " within 10 s");
    }
}
