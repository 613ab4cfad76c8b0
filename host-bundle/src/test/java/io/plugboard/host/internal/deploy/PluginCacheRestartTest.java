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
    public void afterACrashEveryPluginIsKeptAsAfterACleanStop() throws Exception {
        long a = bundle("a.jar").getBundleId();
        long b = bundle("b.jar").getBundleId();

        crash();
        up();

        assertEquals(a, bundle("a.jar").getBundleId());
        assertEquals(b, bundle("b.jar").getBundleId());
        assertEquals(2, activePlugins());
        assertEquals(log.lines().toString(), 0, count(log.lines(), "Uninstalled"));
        assertEquals(log.lines().toString(), List.of(), log.lines("warn"));
    }

    /** The update refused while the host ran stays refused after a kill -9, as after a clean stop. */
    @Test
    public void anUpdateRefusedBeforeACrashStaysRefusedAndTheVersionThatServedServesOn() throws Exception {
        long id = bundle("a.jar").getBundleId();
        Path jar = dir.resolve("a.jar");
        TestJars.write(jar, TestJars.bundle(2_000, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));
        await(() -> !log.lines("warn").isEmpty());
        assertTrue(log.lines("warn").get(0), log.lines("warn").get(0).endsWith("; io.example.a 1.0.0 keeps serving"));

        crash();
        up();

        Bundle a = bundle("a.jar");
        assertEquals(id, a.getBundleId());
        assertEquals(new Version(1, 0, 0), a.getVersion());
        assertEquals(Bundle.ACTIVE, a.getState());
        assertEquals(2, activePlugins());
        List<String> warnings = log.lines("warn");
        assertEquals(warnings.toString(), 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("warn: Cannot update a.jar from the plugins folder: "
                + "not updated: io.example.a 2.0.0"));
        assertTrue(warnings.get(0), warnings.get(0).endsWith("; io.example.a 1.0.0 keeps serving"));
    }

    /** Of two jars declaring one plugin name, the one that had it keeps it after a crash, whichever the folder lists first. */
    @Test
    public void theOwnerOfAPluginNameKeepsItAfterACrash() throws Exception {
        TestJars.write(dir.resolve("z-first.jar"), TestJars.pluginNamed("io.example.z", "1.0.0", "kv.dup"));
        await(() -> installed("z-first.jar"));
        long owner = bundle("z-first.jar").getBundleId();
        TestJars.write(dir.resolve("a-other.jar"), TestJars.pluginNamed("io.example.other", "1.0.0", "kv.dup"));
        await(() -> !log.lines("warn").isEmpty());
        assertFalse(installed("a-other.jar"));

        crash();
        up();

        assertEquals(owner, bundle("z-first.jar").getBundleId());
        assertFalse(installed("a-other.jar"));
        List<String> warnings = log.lines("warn");
        assertEquals(warnings.toString(), 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("warn: Cannot install a-other.jar from the plugins folder: "));
        assertTrue(warnings.get(0), warnings.get(0).contains("which bundle " + owner + " (io.example.z 1.0.0"));
    }

    /** The folder's turn is one batch: thirty jars deleted at once write the record once, not thirty times. */
    @Test
    public void aBurstOfChangesInTheFolderWritesTheRecordOnce() throws Exception {
        for (int i = 0; i < 30; i++) {
            TestJars.write(dir.resolve("c" + i + ".jar"), TestJars.plugin("io.example.c" + i, "1.0.0"));
        }
        await(() -> installer.pluginBundles().size() == 32);
        assertTrue(folder.awaitQueuedWork(20_000));
        int before = installer.recordWrites();

        // Held back, then all taken in one turn: the rescan a lost-events signal asks for.
        folder.holdEvents();
        for (int i = 0; i < 30; i++) {
            Files.delete(dir.resolve("c" + i + ".jar"));
        }
        folder.overflow();
        await(() -> installer.pluginBundles().size() == 2);
        assertTrue(folder.awaitQueuedWork(20_000));

        assertEquals(before + 1, installer.recordWrites());
        folder.releaseEvents();
    }

    /** A rename is on record as it happens too: the bundle keeps its id under the new name after a crash. */
    @Test
    public void aJarRenamedBeforeACrashKeepsItsBundle() throws Exception {
        long id = bundle("a.jar").getBundleId();
        Files.move(dir.resolve("a.jar"), dir.resolve("a-renamed.jar"), StandardCopyOption.ATOMIC_MOVE);
        await(() -> installer.movedFile(felix.hostContext().getBundle(id)).isPresent());

        crash();
        up();

        Bundle a = felix.hostContext().getBundle(id);
        assertEquals(java.util.Optional.of(dir.resolve("a-renamed.jar")), installer.movedFile(a));
        assertEquals(Bundle.ACTIVE, a.getState());
        assertEquals(2, activePlugins());
    }

    /** Without the record (a crash of a version that saved it only at a clean stop), the old fallback, said once. */
    @Test
    public void withoutARecordAfterACrashEachCachedPluginIsInstalledAgainAndTheStartSaysWhy() throws Exception {
        long oldId = bundle("a.jar").getBundleId();
        crash();
        Files.delete(felix.hostContext().getDataFile(InstalledContents.FILE_NAME).toPath());
        up();

        assertNotEquals(oldId, bundle("a.jar").getBundleId());
        assertEquals(2, activePlugins());
        List<String> warnings = log.lines("warn");
        assertEquals(warnings.toString(), 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).startsWith("warn: The previous run of Plugboard did not stop cleanly"
                + " and left no record of what its plugins were installed from (there is no plugin-contents.txt ("));
        assertTrue(warnings.get(0), warnings.get(0).contains("each cached plugin is uninstalled and its jar in the plugins"
                + " folder installed again, with a new bundle id"));
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
        assertEquals(log.lines("warn").toString(), 1, count(log.lines("warn"), "did not stop cleanly"));
        assertTrue(log.lines("warn").get(0), log.lines("warn").get(0).contains(
                "(plugin-contents.txt is not a record Plugboard wrote ("));
        // Written again for the plugins installed now: the next crash keeps them.
        assertNotEquals("garbage\n", Files.readString(saved));
    }

    /** Stops as a kill -9 would leave things: the installer is never deactivated, so only what it wrote as it went is on disk. */
    private void crash() {
        folder.close();
        folder = null;
        installer = null;
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
                installer, log.logger(), new RecordingLedger()))), folderLog, WatchSettings.of(60_000, 500),
                installer::batch);
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

    private boolean installed(String file) {
        return felix.hostContext().getBundle(PluginSource.locationOf(dir.resolve(file))) != null;
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
