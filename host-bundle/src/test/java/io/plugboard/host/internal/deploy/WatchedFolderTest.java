package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The watched folder against real files and real inotify events. */
public class WatchedFolderTest {

    /** How long an invalid, unchanged jar waits before it is reported. */
    private static final long GRACE = 500;
    /** How long a descriptor may be gone (an editor's save) before its plugin is uninstalled. */
    private static final long GONE = 1_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private final RecordingFolderActions actions = new RecordingFolderActions();
    private WatchedFolder folder;

    @Before
    public void createFolder() {
        dir = temp.getRoot().toPath();
    }

    @After
    public void stop() {
        if (folder != null) {
            folder.close();
        }
    }

    @Test
    public void initialScanInstallsAllJarsInOneBatchBeforeReturning() throws Exception {
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("b", "1.0.0"));
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));

        start(2_000);

        assertEquals(List.of("install a.jar,b.jar"), actions.calls());
    }

    @Test
    public void initialScanUninstallsBundlesWhoseFileIsGoneAndKeepsUnchangedOnes() throws Exception {
        Path kept = TestJars.write(dir.resolve("kept.jar"), TestJars.plugin("kept", "1.0.0"));
        // Installed before the jar's time stamp: only the content counts.
        actions.installed.put(kept, System.currentTimeMillis() - 60_000);
        actions.contents.put(kept, JarContent.of(kept));
        actions.installed.put(dir.resolve("gone.jar"), System.currentTimeMillis());

        start(2_000);

        assertEquals(List.of("uninstall gone.jar", "kept kept.jar"), actions.calls());
    }

    @Test
    public void initialScanReplacesAJarWhoseContentChangedWhateverItsTimeStamp() throws Exception {
        Path changed = TestJars.write(dir.resolve("changed.jar"), TestJars.plugin("changed", "2.0.0"));
        // Installed after the jar's time stamp, from other content: a jar moved in that was built earlier.
        actions.installed.put(changed, System.currentTimeMillis() + 60_000);
        actions.contents.put(changed, JarContent.of(TestJars.plugin("changed", "1.0.0")));

        start(2_000);

        assertEquals(List.of("remove changed.jar", "install changed.jar"), actions.calls());
    }

    @Test
    public void initialScanUpdatesAChangedFileWhosePluginIsNotRemoved() throws Exception {
        actions.removesStale = false;
        Path changed = TestJars.write(dir.resolve("changed.jar"), TestJars.plugin("changed", "2.0.0"));
        actions.installed.put(changed, System.currentTimeMillis() + 60_000);

        start(2_000);

        // Its plugin runs first, as it did before the restart; then the changed file is taken as if it had just changed.
        assertEquals(List.of("remove changed.jar", "kept changed.jar", "update changed.jar"), actions.calls());
    }

    /**
     * A restart keeps the bundle of an unchanged jar; the same bytes written anew afterwards (the
     * folder recreated with cp -a: another file, the same time stamp; or a touch) update nothing,
     * as for a jar the folder installed itself.
     */
    @Test
    public void aKeptJarWrittenAnewWithTheSameBytesIsNotUpdated() throws Exception {
        Path kept = TestJars.write(dir.resolve("kept.jar"), TestJars.plugin("kept", "1.0.0"));
        actions.installed.put(kept, System.currentTimeMillis() - 60_000);
        actions.contents.put(kept, JarContent.of(kept));
        start(0);
        assertEquals(List.of("kept kept.jar"), actions.calls());

        // As cp -a: a new file (another inode) with the same bytes and time stamp, renamed over the old.
        Path copy = Files.copy(kept, dir.resolve(".kept.jar.part"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        rescan();
        // As touch: the same file, a new time stamp.
        Files.setLastModifiedTime(kept, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        rescan();

        assertEquals(List.of("kept kept.jar"), actions.calls());

        // Other bytes still are an update.
        TestJars.write(dir.resolve("kept.jar"), TestJars.plugin("kept", "1.1.0"));
        await(() -> actions.count("update kept.jar") == 1);
    }

    @Test
    public void initialScanRunsTheKeptPluginsAfterInstallingTheNewOnes() throws Exception {
        Path kept = TestJars.write(dir.resolve("a-kept.jar"), TestJars.plugin("kept", "1.0.0"));
        actions.installed.put(kept, System.currentTimeMillis());
        actions.contents.put(kept, JarContent.of(kept));
        TestJars.write(dir.resolve("b-new.jar"), TestJars.plugin("new", "1.0.0"));
        Files.writeString(dir.resolve("c-corrupt.jar"), "not a jar");

        start(2_000);

        assertEquals(List.of("install b-new.jar", "kept a-kept.jar"), actions.calls());
        await(() -> !actions.warnings.isEmpty());
        assertTrue(actions.warnings.get(0), actions.warnings.get(0).startsWith(
                "Not installing c-corrupt.jar from the plugins folder: c-corrupt.jar is incomplete or corrupt"));
    }

    @Test
    public void addedJarIsInstalled() throws Exception {
        start(2_000);

        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));

        await(() -> actions.count("install a.jar") == 1);
    }

    @Test
    public void replacedJarIsUpdated() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(2_000);

        Path next = TestJars.write(dir.resolve("a.jar.tmp"), TestJars.plugin("a", "1.1.0"));
        Files.move(next, dir.resolve("a.jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await(() -> actions.count("update a.jar") == 1);
        assertEquals(List.of("install a.jar", "update a.jar"), actions.calls());
    }

    @Test
    public void deletedJarIsUninstalled() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(2_000);

        Files.delete(dir.resolve("a.jar"));

        await(() -> actions.count("uninstall a.jar") == 1);
    }

    @Test
    public void aDeletedJarIsUninstalledAtOnceWhateverTheDelayForFilesEditedByHand() throws Exception {
        // Jars are built and dropped in, not saved by editors: their removal takes effect at once.
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        startWithGoneDelay(GONE);

        long deleted = System.nanoTime();
        Files.delete(dir.resolve("a.jar"));

        await(() -> actions.count("uninstall a.jar") == 1);
        long tookMillis = (System.nanoTime() - deleted) / 1_000_000;
        assertTrue("uninstalled after " + tookMillis + " ms", tookMillis < GONE);
    }

    @Test
    public void slowlyWrittenJarIsInstalledOnlyOnceComplete() throws Exception {
        start(100);
        byte[] jar = TestJars.plugin("slow", "1.0.0");

        try (OutputStream out = Files.newOutputStream(dir.resolve("slow.jar"))) {
            writeSlowly(out, jar, GRACE / 3, () -> assertEquals(List.of(), actions.calls()));
        }

        await(() -> actions.count("install slow.jar") == 1);
        assertEquals(Long.valueOf(jar.length), actions.sizes.get("slow.jar"));
        Thread.sleep(200);
        assertEquals(List.of("install slow.jar"), actions.calls());
        assertEquals(List.of(), actions.warnings);
    }

    @Test
    public void runningPluginsJarOverwrittenSlowlyInPlaceIsUpdatedOnlyOnceComplete() throws Exception {
        TestJars.write(dir.resolve("run.jar"), TestJars.plugin("run", "1.0.0"));
        start(100);
        byte[] next = TestJars.plugin("run", "2.0.0");

        try (OutputStream out = Files.newOutputStream(dir.resolve("run.jar"), StandardOpenOption.TRUNCATE_EXISTING)) {
            writeSlowly(out, next, GRACE / 3, () -> assertEquals(List.of("install run.jar"), actions.calls()));
        }

        await(() -> actions.count("update run.jar") == 1);
        assertEquals(Long.valueOf(next.length), actions.sizes.get("run.jar"));
        Thread.sleep(200);
        assertEquals(List.of("install run.jar", "update run.jar"), actions.calls());
        assertEquals(List.of(), actions.warnings);
    }

    @Test
    public void writerPausingLongerThanTheReportDelayGetsItsJarInstalledOnlyWhenComplete() throws Exception {
        start(100);
        byte[] jar = TestJars.plugin("paused", "1.0.0");

        try (OutputStream out = Files.newOutputStream(dir.resolve("paused.jar"))) {
            writeSlowly(out, jar, 3 * GRACE,
                    () -> assertEquals("nothing is installed while the jar is incomplete", List.of(), actions.calls()));
        }

        await(() -> actions.count("install paused.jar") == 1);
        assertEquals(Long.valueOf(jar.length), actions.sizes.get("paused.jar"));
        Thread.sleep(200);
        assertEquals(List.of("install paused.jar"), actions.calls());
        // The long pause may rightly be reported (once); nothing else may be.
        assertTrue(actions.warnings.toString(), actions.warnings.size() <= 1);
        actions.warnings.forEach(w -> assertTrue(w, w.startsWith("Not installing paused.jar from the plugins folder: paused.jar is incomplete or corrupt")));
    }

    @Test
    public void runningPluginsJarOverwrittenWithPausesLongerThanTheReportDelayIsUpdatedOnce() throws Exception {
        TestJars.write(dir.resolve("run.jar"), TestJars.plugin("run", "1.0.0"));
        start(100);
        byte[] next = TestJars.plugin("run", "2.0.0");

        try (OutputStream out = Files.newOutputStream(dir.resolve("run.jar"), StandardOpenOption.TRUNCATE_EXISTING)) {
            writeSlowly(out, next, 3 * GRACE, () -> assertEquals("the running version is left alone while its jar is rewritten",
                    List.of("install run.jar"), actions.calls()));
        }

        await(() -> actions.count("update run.jar") == 1);
        assertEquals(Long.valueOf(next.length), actions.sizes.get("run.jar"));
        Thread.sleep(200);
        assertEquals(List.of("install run.jar", "update run.jar"), actions.calls());
    }

    @Test
    public void touchingAJarWithoutChangingItsContentDoesNotUpdateIt() throws Exception {
        Path jar = TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(100);

        // As cp -p does after writing: the same bytes get a new time stamp (then the same bytes again).
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Files.write(jar, Files.readAllBytes(jar));
        Thread.sleep(300);
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("b", "1.0.0"));
        await(() -> actions.count("install b.jar") == 1);

        assertEquals(List.of("install a.jar", "install b.jar"), actions.calls());
    }

    @Test
    public void corruptJarIsReportedOnceAndNeverInstalled() throws Exception {
        start(100);

        Files.writeString(dir.resolve("bad.jar"), "this is not a zip file");

        await(() -> actions.warnings.size() == 1);
        // Several periodic rescans later: still one warning, nothing installed.
        Thread.sleep(GRACE + 500);
        assertEquals(1, actions.warnings.size());
        String warning = actions.warnings.get(0);
        assertTrue(warning, warning.startsWith("Not installing bad.jar from the plugins folder: bad.jar is incomplete or corrupt: "));
        assertEquals(List.of(), actions.calls());
    }

    @Test
    public void corruptReplacementLeavesTheRunningPluginAlone() throws Exception {
        Path jar = TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(100);

        Files.writeString(jar, "broken");

        await(() -> actions.warnings.size() == 1);
        Thread.sleep(300);
        assertEquals(List.of("install a.jar"), actions.calls());
        assertTrue(actions.installed.containsKey(jar));
    }

    @Test
    public void aCorrectedJarIsInstalledAfterAWarning() throws Exception {
        start(2_000);
        Path jar = dir.resolve("fix.jar");
        Files.writeString(jar, "oops");
        await(() -> actions.warnings.size() == 1);

        TestJars.write(jar, TestJars.plugin("fix", "1.0.0"));

        await(() -> actions.count("install fix.jar") == 1);
    }

    @Test
    public void aJarRefusedBecauseItsBundleIsInstalledIsInstalledOnceThatBundlesJarIsDeleted() throws Exception {
        Path first = TestJars.write(dir.resolve("greeter-en.jar"), TestJars.plugin("greeter", "1.0.0"));
        start(100);
        Path dup = drop("dup.jar", TestJars.plugin("greeter", "1.0.0"));
        await(() -> actions.warnings.size() == 1);
        assertEquals("Cannot install dup.jar from the plugins folder: greeter is already installed from "
                + "greeter-en.jar; use plugin:update", actions.warnings.get(0));
        // Several periodic rescans later: refused once, not tried again while the conflict lasts.
        Thread.sleep(GRACE);
        assertEquals(List.of("install greeter-en.jar", "install dup.jar"), actions.calls());

        Files.delete(first);

        await(() -> actions.count("install dup.jar") == 2);
        assertTrue(actions.installed.containsKey(dup));
        assertEquals(List.of("install greeter-en.jar", "install dup.jar", "uninstall greeter-en.jar", "install dup.jar"),
                actions.calls());
        assertEquals(1, actions.warnings.size());
    }

    @Test
    public void aRefusedJarIsJudgedOnceMoreForEachPluginThatLeavesAndReportedOncePerReason() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        Path other = TestJars.write(dir.resolve("other.jar"), TestJars.plugin("other", "1.0.0"));
        start(100);
        Path dup = drop("dup.jar", TestJars.plugin("a", "1.0.0"));
        Files.writeString(dir.resolve("bad.jar"), "not a jar");
        await(() -> actions.warnings.size() == 2);
        List<String> warnings = List.copyOf(actions.warnings);

        // A plugin that is not the one it conflicts with leaves: one more judgement, refused for the same reason.
        Files.delete(other);
        await(() -> actions.count("uninstall other.jar") == 1 && actions.count("install dup.jar") == 2);
        // As a command's uninstall tells the folder: once more, and that is all.
        folder.pluginLeft();
        await(() -> actions.count("install dup.jar") == 3);
        Thread.sleep(GRACE + 300);

        assertEquals(3, actions.count("install dup.jar"));
        assertFalse(actions.installed.containsKey(dup));
        assertEquals("refused again for the same reason, and the corrupt jar left alone: nothing new to report",
                warnings, actions.warnings);
        assertTrue(warnings.toString(), warnings.contains("Cannot install dup.jar from the plugins folder: a is "
                + "already installed from a.jar; use plugin:update"));
        assertTrue(warnings.toString(), warnings.stream().anyMatch(w -> w.startsWith("Not installing bad.jar ")));
    }

    @Test
    public void aRefusedJarThatChangesIsJudgedAgainAndReportedAgain() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(100);
        drop("dup.jar", TestJars.plugin("a", "1.0.0"));
        await(() -> actions.warnings.size() == 1);

        drop("dup.jar", TestJars.plugin("a", "1.0.1"));

        await(() -> actions.warnings.size() == 2);
        Thread.sleep(300);
        assertEquals(2, actions.warnings.size());
        assertEquals(2, actions.count("install dup.jar"));
    }

    @Test
    public void overflowRescansTheFolder() throws Exception {
        folder = new WatchedFolder(dir, List.of(new JarKind(actions)), actions, new WatchSettings(0, GRACE, false));
        folder.start();
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("b", "1.0.0"));
        Thread.sleep(200);
        assertEquals("no events are watched, so nothing happens yet", List.of(), actions.calls());

        folder.overflow();

        await(() -> actions.filesInstalled() == 2);
        assertEquals(List.of("install a.jar,b.jar"), actions.calls());
    }

    @Test
    public void periodicRescanCatchesWhatEventsMissed() throws Exception {
        folder = new WatchedFolder(dir, List.of(new JarKind(actions)), actions, new WatchSettings(100, GRACE, false));
        folder.start();

        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));

        await(() -> actions.count("install a.jar") == 1);
    }

    /**
     * The folder moved away as a whole (mv plugins plugins.bak): its plugins are not uninstalled
     * one by one, which would also lose the state plugins keep in memory; moved back, nothing
     * changes, and a file changed meanwhile is taken then.
     */
    @Test
    public void aFolderMovedAwayUninstallsNothingAndIsFollowedAgainWhenBack() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("b", "1.0.0"));
        folder = new WatchedFolder(dir, List.of(new JarKind(actions)), actions, new WatchSettings(50, GRACE, true));
        folder.start();
        assertEquals(List.of("install a.jar,b.jar"), actions.calls());
        Path aside = dir.resolveSibling(dir.getFileName() + ".bak");

        Files.move(dir, aside);
        await(() -> !actions.warnings.isEmpty());
        Thread.sleep(300); // several rescans
        assertEquals(List.of("The plugins folder " + dir + " is gone (moved or deleted?): its plugins keep running as"
                + " they are, and none is uninstalled until the folder is back"), actions.warnings);
        assertEquals(List.of("install a.jar,b.jar"), actions.calls());

        TestJars.write(aside.resolve("b.jar"), TestJars.plugin("b", "2.0.0"));
        Files.move(aside, dir);
        await(() -> actions.calls().size() > 1);
        assertTrue(actions.infos.toString(), actions.infos.contains("The plugins folder " + dir
                + " is back: its files are followed again"));
        assertEquals(List.of("install a.jar,b.jar", "update b.jar"), actions.calls());
        assertEquals(1, actions.warnings.size());
    }

    /**
     * The folder moved away and a new one made in its place (mv plugins plugins.bak; mkdir
     * plugins): once a rescan finds it back, a jar dropped in it is taken at its event, not only
     * at the next periodic rescan (none comes within this test).
     */
    @Test
    public void aNewFolderInPlaceOfOneMovedAwayIsWatchedOnceFoundBack() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(600_000);
        Path aside = dir.resolveSibling(dir.getFileName() + ".bak");
        try {
            Files.move(dir, aside);
            folder.overflow(); // a rescan, as the periodic one would do: finds the folder gone
            await(() -> actions.warnings.size() == 1);
            Files.createDirectory(dir);
            Files.copy(aside.resolve("a.jar"), dir.resolve("a.jar"));

            assertDropIsTakenAtItsEventOnceTheFolderIsFoundBack();
            // Events of the folder moved away no longer reach the new one's files.
            TestJars.write(aside.resolve("a.jar"), TestJars.plugin("a", "9.0.0"));
            Thread.sleep(300);
            assertEquals(List.of("install a.jar", "install b.jar"), actions.calls());
        } finally {
            deleteTree(aside);
        }
    }

    /** The folder deleted and made again: watched again once a rescan finds it back. */
    @Test
    public void aFolderDeletedAndMadeAgainIsWatchedOnceFoundBack() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        start(600_000);
        Path aside = dir.resolveSibling(dir.getFileName() + ".bak");
        Files.move(dir, aside);
        folder.overflow();
        await(() -> actions.warnings.size() == 1);
        deleteTree(aside); // the watched folder itself deleted: its watch ends
        Files.createDirectory(dir);
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));

        assertDropIsTakenAtItsEventOnceTheFolderIsFoundBack();
        assertEquals(List.of("install a.jar", "install b.jar"), actions.calls());
    }

    private void assertDropIsTakenAtItsEventOnceTheFolderIsFoundBack() throws Exception {
        folder.overflow(); // the rescan that finds it back
        await(() -> actions.infos.contains("The plugins folder " + dir + " is back: its files are followed again"));
        assertTrue(folder.awaitQueuedWork(5_000));

        drop("b.jar", TestJars.plugin("b", "1.0.0"));

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (actions.count("install b.jar") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("b.jar taken at its event " + actions.calls(), 1, actions.count("install b.jar"));
        assertEquals("only that the folder was gone: " + actions.warnings, 1, actions.warnings.size());
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    public void burstOfJarsIsAllInstalledOnce() throws Exception {
        start(2_000);
        int count = 300;

        for (int i = 0; i < count; i++) {
            TestJars.write(dir.resolve(String.format("p%03d.jar", i)), TestJars.plugin("p" + i, "1.0.0"));
        }

        await(() -> actions.filesInstalled() == count);
        Thread.sleep(200);
        assertEquals("no jar is installed twice", count, actions.filesInstalled());
        assertEquals(List.of(), actions.warnings);
    }

    @Test
    public void burstOfAThousandJarsMovedInIsAllInstalledOnceInBatches() throws Exception {
        int count = 1_000;
        Path stage = temp.newFolder("stage").toPath();
        for (int i = 0; i < count; i++) {
            TestJars.write(stage.resolve(String.format("m%04d.jar", i)), TestJars.plugin("m" + i, "1.0.0"));
        }
        // No periodic rescan: only the events, and the rescan an overflow triggers, may install them.
        start(0);
        folder.holdEvents();

        // More events at once than a WatchKey holds (512), while the event thread is busy.
        for (int i = 0; i < count; i++) {
            String name = String.format("m%04d.jar", i);
            Files.move(stage.resolve(name), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        folder.releaseEvents();

        await(() -> actions.filesInstalled() == count);
        assertTrue("the WatchService lost events", folder.overflows() > 0);
        Thread.sleep(300);
        List<String> calls = actions.calls();
        assertEquals("no jar is installed twice", count, actions.filesInstalled());
        assertTrue("jars that land together are installed together: " + calls.size() + " install calls",
                calls.size() < count / 2);
        assertEquals(List.of(), actions.warnings);
    }

    @Test
    public void ignoresHiddenPartialAndOtherFiles() throws Exception {
        start(100);

        for (String name : List.of(".hidden.jar", "a.jar.part", "b.jar.tmp", "c.jar~", "notes.txt")) {
            TestJars.write(dir.resolve(name), TestJars.plugin("x" + name.length(), "1.0.0"));
        }
        Files.createDirectory(dir.resolve("folder.jar"));

        Thread.sleep(500);
        assertEquals(List.of(), actions.calls());
        assertEquals(List.of(), actions.warnings);
    }

    /**
     * A hidden plugin file and a subfolder, which a user may have meant as plugins, are ignored
     * with one INFO line each when first seen (at the start or at their event), not at each
     * rescan; one that goes and comes back is reported again. Temporary names and hidden folders
     * say nothing.
     */
    @Test
    public void hiddenPluginFilesAndSubfoldersAreReportedOnceWhenFirstSeen() throws Exception {
        TestJars.write(dir.resolve(".early.jar"), TestJars.plugin("early", "1.0.0"));
        Files.createDirectory(dir.resolve("bin"));
        Files.createDirectory(dir.resolve(".git"));
        Files.writeString(dir.resolve("notes.txt"), "not a plugin");
        TestJars.write(dir.resolve(".copying.jar.part"), TestJars.plugin("copying", "1.0.0"));
        // No periodic rescan: the rescans below come when the test asks.
        start(0);
        assertEquals(List.of(hiddenLine(".early.jar", "early.jar"), subfolderLine("bin")),
                actions.infos.stream().sorted().toList());

        TestJars.write(dir.resolve(".later.jar"), TestJars.plugin("later", "1.0.0"));
        Files.createDirectory(dir.resolve("more"));
        await(() -> actions.infos.size() == 4);
        assertEquals(List.of(hiddenLine(".later.jar", "later.jar"), subfolderLine("more")),
                actions.infos.subList(2, 4).stream().sorted().toList());
        rescan();
        rescan();
        assertEquals("each once, not at each rescan: " + actions.infos, 4, actions.infos.size());

        Files.delete(dir.resolve(".early.jar"));
        rescan();
        TestJars.write(dir.resolve(".early.jar"), TestJars.plugin("early", "1.0.0"));
        await(() -> actions.infos.size() == 5);
        assertEquals(hiddenLine(".early.jar", "early.jar"), actions.infos.get(4));
        assertEquals(List.of(), actions.calls());
        assertEquals(List.of(), actions.warnings);
    }

    private static String hiddenLine(String name, String shown) {
        return name + " in the plugins folder is ignored: hidden files are, because editors and copy tools write their"
                + " temporary files so; rename it to " + shown + " to install it";
    }

    private static String subfolderLine(String name) {
        return name + "/ in the plugins folder is ignored: subfolders are not scanned (only the folder's own files are"
                + " plugins; a subfolder may hold the programs descriptors name)";
    }

    /** A full rescan, as the periodic one or a lost event brings, done when this returns. */
    private void rescan() throws InterruptedException {
        folder.overflow();
        assertTrue(folder.awaitQueuedWork(5_000));
    }

    @Test
    public void closeStopsItsThreads() throws Exception {
        start(100);

        folder.close();

        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("plugboard-folder-")));
        folder = null;
    }

    /** Writes the jar under a name the folder ignores, then renames it into place, as a deployment would. */
    private Path drop(String name, byte[] content) throws Exception {
        Path part = TestJars.write(dir.resolve("." + name + ".part"), content);
        return Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void startWithGoneDelay(long goneMillis) throws Exception {
        // Rescans 10 min apart: only the file events and the delay's own check-in act.
        folder = new WatchedFolder(dir, List.of(new JarKind(actions)), actions,
                new WatchSettings(600_000, GRACE, true, goneMillis));
        folder.start();
    }

    private void start(long rescanMillis) throws Exception {
        folder = new WatchedFolder(dir, List.of(new JarKind(actions)), actions, new WatchSettings(rescanMillis, GRACE, true));
        folder.start();
    }

    /**
     * Ten chunks 20 ms apart, with one stall halfway; nothing but the content says when it is
     * complete. The invariant is checked after each pause while the file is still incomplete.
     */
    private static void writeSlowly(OutputStream out, byte[] content, long stallMillis, Runnable whileIncomplete)
            throws Exception {
        int chunk = content.length / 10 + 1;
        for (int offset = 0, i = 0; offset < content.length; offset += chunk, i++) {
            out.write(content, offset, Math.min(chunk, content.length - offset));
            out.flush();
            if (offset + chunk < content.length) {
                Thread.sleep(i == 5 ? stallMillis : 20);
                whileIncomplete.run();
            }
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
}
