package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;

import io.plugboard.testing.RecordingLogger;

/**
 * The framework cache kept across a restart, with the real installer and watched folder in a
 * real Felix restarted on the same cache: unchanged plugins are kept (same bundle), and what
 * changed in the folder while it was down is what runs after.
 */
public class PluginCacheRestartTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    private Path dir;
    private RecordingLogger log;
    private PluginInstallerImpl installer;
    private WatchedFolder folder;

    @Before
    public void firstStart() throws Exception {
        dir = temp.newFolder("plugins").toPath();
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("io.example.b", "1.0.0"));
        start();
        assertEquals(2, activePlugins());
    }

    @After
    public void stop() {
        if (folder != null) {
            folder.close();
        }
    }

    @Test
    public void pluginsAreStartedTransientlySoTheFrameworkNeverStartsThemBeforeTheHost() throws Exception {
        Bundle a = bundle("a.jar");
        assertFalse(a.adapt(BundleStartLevel.class).isPersistentlyStarted());

        down();
        felix.restart();

        assertEquals(Bundle.INSTALLED, felix.hostContext().getBundle(a.getBundleId()).getState());
    }

    @Test
    public void unchangedJarsAreKeptAndStartedAgain() throws Exception {
        long a = bundle("a.jar").getBundleId();
        long b = bundle("b.jar").getBundleId();
        // A touch is no change: only the content counts.
        Files.setLastModifiedTime(dir.resolve("a.jar"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        restart();

        assertEquals(a, bundle("a.jar").getBundleId());
        assertEquals(b, bundle("b.jar").getBundleId());
        assertEquals(2, activePlugins());
        assertEquals(log.lines("info").toString(), 0, count(log.lines("info"), "Installed plugin"));
    }

    /**
     * After a restart, the folder recreated with cp -a (every jar a new file with the same bytes
     * and time stamp) updates nothing: the kept bundles are what their jars hold.
     */
    @Test
    public void keptJarsCopiedAnewWithTheSameBytesAreNotUpdated() throws Exception {
        restart();
        long aModified = bundle("a.jar").getLastModified();
        long bModified = bundle("b.jar").getLastModified();

        for (String name : List.of("a.jar", "b.jar")) {
            Path copy = Files.copy(dir.resolve(name), dir.resolve("." + name + ".part"),
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(copy, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        folder.overflow();
        assertTrue(folder.awaitQueuedWork(10_000));

        assertEquals(log.lines("info").toString(), 0, count(log.lines("info"), "Updated plugin"));
        assertEquals(aModified, bundle("a.jar").getLastModified());
        assertEquals(bModified, bundle("b.jar").getLastModified());
        assertEquals(2, activePlugins());
    }

    @Test
    public void aRenamedJarKeepsItsBundleAcrossARestart() throws Exception {
        Bundle a = bundle("a.jar");
        Files.move(dir.resolve("a.jar"), dir.resolve("a-renamed.jar"));
        await(() -> installer.movedFile(a).isPresent());
        assertEquals(Bundle.ACTIVE, a.getState());

        restart();

        Bundle kept = felix.hostContext().getBundle(a.getBundleId());
        assertEquals("the same bundle, found under its new file", a.getLocation(), kept.getLocation());
        assertEquals(Bundle.ACTIVE, kept.getState());
        assertEquals(java.util.Optional.of(dir.resolve("a-renamed.jar")), installer.movedFile(kept));
        assertEquals(log.lines("info").toString(), 0, count(log.lines("info"), "Installed plugin"));
        assertEquals(log.lines("info").toString(), 0, count(log.lines("info"), "Uninstalled plugin"));
        assertEquals(2, activePlugins());

        // Renamed back: its file is the one its location names again, and a restart keeps it too.
        Files.move(dir.resolve("a-renamed.jar"), dir.resolve("a.jar"));
        await(() -> installer.movedFile(kept).isEmpty());
        restart();
        assertEquals(a.getBundleId(), bundle("a.jar").getBundleId());
        assertEquals(Bundle.ACTIVE, bundle("a.jar").getState());
    }

    @Test
    public void aJarRenamedWhileDownIsInstalledAfreshUnderItsNewName() throws Exception {
        long oldId = bundle("a.jar").getBundleId();
        down();
        Files.move(dir.resolve("a.jar"), dir.resolve("a-renamed.jar"));
        up();

        assertEquals(null, felix.hostContext().getBundle(oldId));
        assertEquals(2, activePlugins());
    }

    @Test
    public void jarReplacedWhileDownBySameSizedOlderOneIsWhatRuns() throws Exception {
        Path jar = dir.resolve("a.jar");
        byte[] v1 = pluginA("2.0.0");
        byte[] v2 = pluginA("3.0.0");
        assertEquals("two versions of the same size", v1.length, v2.length);
        down();
        Files.write(jar, v1);
        up();
        assertEquals(new Version(2, 0, 0), bundle("a.jar").getVersion());
        FileTime before = Files.getLastModifiedTime(jar);
        long oldId = bundle("a.jar").getBundleId();

        down();
        // Written in place (same file), with the old time stamp: only the content tells.
        Files.write(jar, v2);
        Files.setLastModifiedTime(jar, before);
        up();

        Bundle a = bundle("a.jar");
        assertEquals(new Version(3, 0, 0), a.getVersion());
        assertEquals(Bundle.ACTIVE, a.getState());
        // Updated in place, as a live change of the jar would be: the cached version was only kept to go back to.
        assertEquals(oldId, a.getBundleId());
        assertEquals(log.lines("info").toString(), 1, count(log.lines("info"), "Updated plugin io.example.a from 2.0.0 to 3.0.0"));
        assertEquals(2, activePlugins());
    }

    /**
     * A jar replaced while Plugboard was down by a version that cannot resolve is refused at the
     * next start as it is when replaced live: the version that served before the restart serves,
     * at this start and the next, and each start says why the jar is not taken.
     */
    @Test
    public void jarReplacedWhileDownByAVersionThatCannotResolveIsRefusedAndTheCachedVersionServes() throws Exception {
        long id = bundle("a.jar").getBundleId();
        Path jar = dir.resolve("a.jar");
        down();
        TestJars.write(jar, TestJars.bundle(2_000, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));

        for (int start = 1; start <= 2; start++) {
            up();

            Bundle a = bundle("a.jar");
            assertEquals(id, a.getBundleId());
            assertEquals(new Version(1, 0, 0), a.getVersion());
            assertEquals(Bundle.ACTIVE, a.getState());
            assertEquals(2, activePlugins());
            List<String> warnings = log.lines("warn");
            assertEquals("start " + start + ": " + warnings, 1, warnings.size());
            assertTrue(warnings.get(0), warnings.get(0).startsWith("warn: Cannot update a.jar from the plugins folder: "
                    + "not updated: io.example.a 2.0.0 (" + jar + ") cannot resolve: it imports io.plugboard.api.kv "
                    + "[2.0.0,3.0.0)"));
            assertTrue(warnings.get(0), warnings.get(0).endsWith("; io.example.a 1.0.0 keeps serving"));
            down();
        }
    }

    @Test
    public void jarReplacedWhileDownByACorruptOneLeavesTheCachedVersionServingUntilItIsWhole() throws Exception {
        long id = bundle("a.jar").getBundleId();
        Path jar = dir.resolve("a.jar");
        down();
        Files.writeString(jar, "not a jar");
        up();

        assertEquals(id, bundle("a.jar").getBundleId());
        assertEquals(Bundle.ACTIVE, bundle("a.jar").getState());
        assertEquals(2, activePlugins());
        await(() -> !log.lines("warn").isEmpty());
        assertTrue(log.lines("warn").toString(), log.lines("warn").get(0).startsWith(
                "warn: Not installing a.jar from the plugins folder: a.jar is incomplete or corrupt"));

        TestJars.write(jar, TestJars.plugin("io.example.a", "2.0.0"));

        await(() -> bundle("a.jar").getVersion().equals(new Version(2, 0, 0)) && bundle("a.jar").getState() == Bundle.ACTIVE);
        assertEquals(id, bundle("a.jar").getBundleId());
    }

    @Test
    public void jarDeletedWhileDownIsUninstalled() throws Exception {
        down();
        Files.delete(dir.resolve("b.jar"));
        up();

        assertEquals(List.of("io.example.a"), installer.pluginBundles().stream().map(Bundle::getSymbolicName).toList());
        assertEquals(1, activePlugins());
    }

    @Test
    public void jarAddedWhileDownIsInstalledAndACorruptOneReported() throws Exception {
        down();
        TestJars.write(dir.resolve("c.jar"), TestJars.plugin("io.example.c", "1.0.0"));
        Files.writeString(dir.resolve("d.jar"), "not a jar");
        up();

        assertEquals(Bundle.ACTIVE, bundle("c.jar").getState());
        assertEquals(3, activePlugins());
        await(() -> !log.lines("warn").isEmpty());
        assertTrue(log.lines("warn").toString(), log.lines("warn").get(0).startsWith(
                "warn: Not installing d.jar from the plugins folder: d.jar is incomplete or corrupt"));
    }

    @Test
    public void afterACrashNoCachedPluginIsTrusted() throws Exception {
        long oldId = bundle("a.jar").getBundleId();

        // No clean stop: the installer never saved what the plugins were installed from.
        folder.close();
        folder = null;
        felix.restart();
        start();

        assertNotEquals(oldId, bundle("a.jar").getBundleId());
        assertEquals(2, activePlugins());
    }

    @Test
    public void pluginChangedPastTheInstallerIsNotTrusted() throws Exception {
        Bundle a = bundle("a.jar");
        // As Gogo's update would: the bundle now holds other content than its jar.
        a.update(new ByteArrayInputStream(TestJars.plugin("io.example.a", "3.0.0")));

        restart();

        Bundle now = bundle("a.jar");
        assertNotEquals(a.getBundleId(), now.getBundleId());
        assertEquals(new Version(1, 0, 0), now.getVersion());
        assertEquals(Bundle.ACTIVE, now.getState());
    }

    @Test
    public void unreadableSavedContentsTrustNothing() throws Exception {
        long oldId = bundle("a.jar").getBundleId();
        down();
        Path saved = felix.hostContext().getDataFile(InstalledContents.FILE_NAME).toPath();
        assertTrue("saved at the clean stop", Files.isRegularFile(saved));
        Files.writeString(saved, "garbage\n");
        up();

        assertNotEquals(oldId, bundle("a.jar").getBundleId());
        assertEquals(2, activePlugins());
        assertFalse("read once, then deleted", Files.exists(saved));
    }

    /** Stops as the host does: folder closed, installer deactivated (saving what it installed). */
    private void down() {
        folder.close();
        folder = null;
        installer.deactivate();
    }

    /** Starts the framework again on the same cache, and the installer and folder, as the host does. */
    private void up() throws Exception {
        felix.restart();
        start();
    }

    private void restart() throws Exception {
        down();
        up();
    }

    private void start() throws Exception {
        log = new RecordingLogger();
        installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
        FolderLog folderLog = FolderLog.of(log.logger());
        folder = new WatchedFolder(dir, List.of(new JarKind(new InstallerFolderActions(felix.hostContext(), dir,
                installer, log.logger(), new RecordingLedger()))), folderLog, WatchSettings.of(60_000, 500));
        folder.start();
    }

    private static byte[] pluginA(String version) throws java.io.IOException {
        return TestJars.stored( "Bundle-SymbolicName", "io.example.a", "Bundle-Version", version,
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\"");
    }

    private Bundle bundle(String file) {
        Bundle bundle = felix.hostContext().getBundle(PluginSource.locationOf(dir.resolve(file)));
        if (bundle == null) {
            fail("no bundle installed from " + file);
        }
        return bundle;
    }

    private long activePlugins() {
        return installer.pluginBundles().stream().filter(b -> b.getState() == Bundle.ACTIVE).count();
    }

    private static long count(List<String> lines, String word) {
        return lines.stream().filter(line -> line.contains(word)).count();
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
