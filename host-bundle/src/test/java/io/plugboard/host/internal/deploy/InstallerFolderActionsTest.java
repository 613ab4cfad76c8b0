package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import io.plugboard.testing.RecordingLogger;

/** The watched folder driving the real installer in a real Felix framework. */
public class InstallerFolderActionsTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);
    private final RecordingLedger ledger = new RecordingLedger();

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    @Test
    public void folderInstallsUpdatesAndUninstallsPlugins() throws Exception {
        RecordingLogger log = new RecordingLogger();
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Path dir = temp.newFolder("plugins").toPath();
        Path jar = TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        Files.writeString(dir.resolve("bad.jar"), "not a jar");

        Bundle bundle;
        try (WatchedFolder folder = watched(dir, installer, log)) {
            folder.start();

            List<Bundle> plugins = installer.pluginBundles();
            assertEquals("installed and active when start() returns", 1, plugins.size());
            bundle = plugins.get(0);
            assertEquals(Bundle.ACTIVE, bundle.getState());

            TestJars.write(dir.resolve("a.jar.tmp"), TestJars.plugin("io.example.a", "2.0.0"));
            Files.move(dir.resolve("a.jar.tmp"), jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await(() -> bundle.getVersion().equals(new Version(2, 0, 0)));

            Files.delete(jar);
            await(() -> bundle.getState() == Bundle.UNINSTALLED);
            await(() -> !log.lines("warn").isEmpty());
        }
        assertEquals(List.of(), installer.pluginBundles());
        assertEquals("its jar left: the ledger keeps its state a while", List.of(bundle.getBundleId()),
                ledger.keptAfterUninstall);
        List<String> warnings = log.lines("warn");
        assertEquals(warnings.toString(), 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("warn: Not installing bad.jar from the plugins folder: bad.jar is incomplete or corrupt"));
    }

    @Test
    public void aRenamedJarKeepsItsBundleRunningAndAJarPutBackIsANewBundleWhoseStateIsKept() throws Exception {
        RecordingLogger log = new RecordingLogger();
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Path dir = temp.newFolder("plugins").toPath();
        byte[] jar = TestJars.plugin("io.example.a", "1.0.0");
        TestJars.write(dir.resolve("a.jar"), jar);
        try (WatchedFolder folder = watched(dir, installer, log)) {
            folder.start();
            Bundle bundle = installer.pluginBundles().get(0);

            Files.move(dir.resolve("a.jar"), dir.resolve("a2.jar"));
            await(() -> installer.movedFile(bundle).isPresent());
            // The rename is noted mid-turn; the turn then compares the jar's content, which must still be there.
            assertTrue(folder.awaitQueuedWork(20_000));

            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertEquals(List.of(bundle), installer.pluginBundles());
            assertEquals(log.lines("info").toString(), 0, log.lines("info").stream()
                    .filter(line -> line.contains("Uninstalled") || line.contains("Updated")).count());
            assertEquals(List.of(), ledger.keptAfterUninstall);

            // rm, then cp a moment later: two batches, so an uninstall and an install; the ledger keeps the state.
            Files.delete(dir.resolve("a2.jar"));
            await(() -> bundle.getState() == Bundle.UNINSTALLED);
            assertEquals(List.of(bundle.getBundleId()), ledger.keptAfterUninstall);
            TestJars.write(dir.resolve("a2.jar"), jar);
            await(() -> installer.pluginBundles().size() == 1
                    && installer.pluginBundles().get(0).getState() == Bundle.ACTIVE);
            assertEquals(PluginSource.locationOf(dir.resolve("a2.jar")), installer.pluginBundles().get(0).getLocation());
            assertEquals(List.of(), log.lines("warn"));
        }
    }

    @Test
    public void aJarLandingWhereARenamedOneWasIsRefusedWhileItsLocationIsHeld() throws Exception {
        RecordingLogger log = new RecordingLogger();
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Path dir = temp.newFolder("plugins").toPath();
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        try (WatchedFolder folder = watched(dir, installer, log)) {
            folder.start();
            Bundle bundle = installer.pluginBundles().get(0);
            Files.move(dir.resolve("a.jar"), dir.resolve("a2.jar"));
            await(() -> installer.movedFile(bundle).isPresent());
            // The rename is noted mid-turn; the turn then compares the jar's content, which must still be there.
            assertTrue(folder.awaitQueuedWork(20_000));

            TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.other", "1.0.0"));
            await(() -> !log.lines("warn").isEmpty());

            assertEquals(List.of("warn: Cannot install a.jar from the plugins folder: its location is still held by"
                    + " io.example.a 1.0.0, bundle " + bundle.getBundleId() + " (its jar was renamed from a.jar to"
                    + " a2.jar); give this jar another name, or remove that one first"), log.lines("warn"));
            assertEquals(new Version(1, 0, 0), bundle.getVersion());
            assertEquals(List.of(bundle), installer.pluginBundles());
        }
    }

    @Test
    public void aReplacementThatCannotResolveIsReportedAndTheRunningVersionServesOn() throws Exception {
        RecordingLogger log = new RecordingLogger();
        PluginInstallerImpl installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        Path dir = temp.newFolder("plugins").toPath();
        Path jar = TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        try (WatchedFolder folder = watched(dir, installer, log)) {
            folder.start();
            Bundle bundle = installer.pluginBundles().get(0);

            TestJars.write(dir.resolve("a.jar.tmp"), TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a",
                    "Bundle-Version", "2.0.0", "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));
            Files.move(dir.resolve("a.jar.tmp"), jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await(() -> !log.lines("warn").isEmpty());

            assertEquals(List.of("warn: Cannot update a.jar from the plugins folder: not updated: io.example.a 2.0.0 ("
                    + jar + ") cannot resolve: it imports io.plugboard.api.kv [2.0.0,3.0.0), but the framework has "
                    + "io.plugboard.api.kv 1.0.0 (from io.plugboard.api 0.1.0, bundle " + felix.api.getBundleId()
                    + "); io.example.a 1.0.0 keeps serving"), log.lines("warn"));
            assertEquals(new Version(1, 0, 0), bundle.getVersion());
            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertEquals(List.of(bundle), installer.pluginBundles());
            assertFalse("the jar no longer holds what runs", installer.hasContentOf(bundle, jar));
        }
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

    /** The plugins folder as the host watches it, its reports going to the test's log. */
    private WatchedFolder watched(Path dir, PluginInstallerImpl installer, RecordingLogger log) {
        return new WatchedFolder(dir,
                List.of(new JarKind(new InstallerFolderActions(felix.hostContext(), dir, installer, log.logger(), ledger))),
                FolderLog.of(log.logger()), WatchSettings.of(2_000, 500));
    }
}
