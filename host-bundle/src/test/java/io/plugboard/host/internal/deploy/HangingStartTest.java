package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

import io.plugboard.host.internal.deploy.hanging.HangingActivator;
import io.plugboard.testing.RecordingLogger;

/** A plugin whose start never returns, in a real Felix framework with a short start time limit. */
public class HangingStartTest {

    private static final String LIMIT = "300 ms";

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp, Map.of(TimedStarts.TIMEOUT_PROPERTY, "300"));
    private final RecordingLedger ledger = new RecordingLedger();

    // Without the time limit the install never returns: the test fails instead of hanging the build.
    @Rule
    public RuleChain rules = RuleChain.outerRule(Timeout.seconds(30)).around(temp).around(felix);

    private final RecordingLogger log = new RecordingLogger();

    @Test
    public void aStartThatNeverReturnsIsGivenUpAtTheLimitAndTheOtherPluginsGoOn() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());

        Bundle hang = installer.install(jar("hang.jar", hanging("t.hang", true)).toString());

        assertEquals("left to its start", Bundle.STARTING, hang.getState());
        long id = hang.getBundleId();
        assertEquals(List.of("warn: Plugin t.hang 1.0.0 (bundle " + id + "): its activator did not return within "
                + LIMIT + "; it is left STARTING and the other plugins go on; plugin:uninstall " + id
                + " or remove its jar"), log.lines("warn"));
        String hangs = installer.startHang(hang).orElseThrow();
        assertTrue(hangs, hangs.startsWith("hangs in its start: its activator has not returned for "));
        assertTrue(hangs, hangs.endsWith(" s (the start time limit is " + LIMIT + ", plugboard.start.timeout.ms);"
                + " plugin:uninstall " + id + " or remove its jar"));
        assertEquals("t.hang 1.0.0, bundle " + id + " " + hangs, installer.whyNotActive(hang).orElseThrow());

        Bundle next = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        assertEquals(Bundle.ACTIVE, next.getState());

        // Felix uninstalls no bundle while its activator runs: the uninstall interrupts it, which ends it.
        installer.uninstall(hang);
        assertEquals(Bundle.UNINSTALLED, hang.getState());
        assertEquals(List.of(), startThreadsBusy());
    }

    @Test
    public void anUninstallOfAStartThatIgnoresItsInterruptIsRefusedInsteadOfWaitingForever() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Bundle hang = installer.install(jar("hang.jar", hanging("t.stubborn", false)).toString());
        assertEquals(Bundle.STARTING, hang.getState());

        PluginInstallException refused = assertThrows(PluginInstallException.class, () -> installer.uninstall(hang));

        assertEquals("Cannot uninstall t.stubborn 1.0.0, bundle " + hang.getBundleId() + ": its activator has not"
                + " returned, not even when interrupted, and the framework changes no bundle while its start runs;"
                + " it stays until Plugboard stops", refused.getMessage());
        assertEquals(Bundle.STARTING, hang.getState());

        // Released, it starts after all; then it can go.
        CountDownLatch started = new CountDownLatch(1);
        felix.hostContext().addBundleListener((SynchronousBundleListener) event -> {
            if (event.getBundle().equals(hang) && event.getType() == BundleEvent.STARTED) {
                started.countDown();
            }
        });
        Files.createFile(hang.getBundleContext().getDataFile(HangingActivator.RELEASE).toPath());
        assertTrue(started.await(20, TimeUnit.SECONDS));
        installer.uninstall(hang);
        assertEquals(Bundle.UNINSTALLED, hang.getState());
    }

    @Test
    public void anUpdateOfAHangingPluginInterruptsItsStartThenReplacesIt() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Bundle hang = installer.install(jar("hang.jar", hanging("t.hang", true)).toString());
        assertEquals(Bundle.STARTING, hang.getState());

        installer.update(hang, jar("fixed.jar", TestJars.plugin("t.hang", "2.0.0")).toString());

        assertEquals("2.0.0", hang.getVersion().toString());
        assertEquals(Bundle.ACTIVE, hang.getState());
        assertEquals(java.util.Optional.empty(), installer.startHang(hang));
    }

    @Test
    public void theFrameworkStopInterruptsAHangingStartAndStopsEveryBundle() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Bundle hang = installer.install(jar("hang.jar", hanging("t.hang", true)).toString());
        assertEquals(Bundle.STARTING, hang.getState());

        // Felix stops the bundles from the highest id down: the hanging one before the host.
        felix.stop();

        assertEquals(Bundle.RESOLVED, felix.host.getState());
        assertEquals(List.of(), startThreadsBusy());
    }

    @Test
    public void startsReuseTheirThread() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        // Other tests' installers may have idle start threads still.
        List<Thread> before = startThreads();
        for (int i = 0; i < 5; i++) {
            Bundle bundle = installer.install(jar(i + ".jar", TestJars.plugin("io.example.p" + i, "1.0.0")).toString());
            assertEquals(Bundle.ACTIVE, bundle.getState());
        }

        List<Thread> made = startThreads().stream().filter(t -> !before.contains(t)).toList();
        assertEquals("one thread for five starts, one after the other", 1, made.size());
    }

    @Test
    public void theFolderGoesOnPastAHangingPluginAndUninstallsItWhenItsJarGoes() throws Exception {
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Path dir = temp.newFolder("plugins").toPath();
        Path hangJar = TestJars.write(dir.resolve("hang.jar"), hanging("t.hang", true));
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        try (WatchedFolder folder = new WatchedFolder(dir,
                List.of(new JarKind(new InstallerFolderActions(felix.hostContext(), dir, installer, log.logger(), ledger))),
                FolderLog.of(log.logger()), WatchSettings.of(2_000, 500))) {
            // The first scan ends (the runtime's start-up waits for it) with both installed.
            folder.start();

            Bundle hang = felix.hostContext().getBundle(hangJar.toUri().toString());
            assertEquals(Bundle.STARTING, hang.getState());
            assertEquals(Bundle.ACTIVE, felix.hostContext().getBundle(dir.resolve("a.jar").toUri().toString()).getState());

            // A later jar is installed and started, then the hanging plugin's jar goes and so does it.
            Path later = TestJars.write(dir.resolve("b.jar"), TestJars.plugin("io.example.b", "1.0.0"));
            await(() -> {
                Bundle b = felix.hostContext().getBundle(later.toUri().toString());
                return b != null && b.getState() == Bundle.ACTIVE;
            });
            Files.delete(hangJar);
            await(() -> hang.getState() == Bundle.UNINSTALLED);
        }
    }

    /** The start pool's threads now, and those of them still running a bundle's start. */
    private static List<Thread> startThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("plugboard-bundle-start")).toList();
    }

    private static List<Thread> startThreadsBusy() {
        return startThreads().stream().filter(t -> java.util.Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(HangingActivator.class.getName()))).toList();
    }

    /** A plugin whose activator does not return; whether an interrupt ends it is given. */
    private static byte[] hanging(String name, boolean heedsInterrupt) throws Exception {
        return TestJars.withClasses(List.of(HangingActivator.class),
                "Bundle-SymbolicName", name, "Bundle-Version", "1.0.0",
                "Bundle-Activator", HangingActivator.class.getName(),
                HangingActivator.HEEDS_INTERRUPT, String.valueOf(heedsInterrupt),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework");
    }

    private Path jar(String name, byte[] content) throws Exception {
        return TestJars.write(temp.getRoot().toPath().resolve(name), content);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
