package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A jar renamed in the plugins folder (or deleted and put back under another name within one
 * batch of events) is a move of its plugin, not an uninstall and an install: the folder's record
 * follows the file, and the plugin is updated only if the content differs. Real files; the
 * batches are handed to {@link FolderSync} directly, as the watcher would hand them.
 */
public class FolderSyncMoveTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final RecordingFolderActions actions = new RecordingFolderActions();
    private Path dir;
    private FolderSync sync;

    @Before
    public void scan() throws Exception {
        dir = temp.getRoot().toPath();
        TestJars.write(dir.resolve("kv-memory.jar"), TestJars.plugin("io.example.kv-memory", "1.0.0"));
        sync = new FolderSync(dir, List.of(new JarKind(actions)), actions, new WatchSettings(0, 500, false),
                delay -> { });
        sync.initialScan();
        assertEquals(List.of("install kv-memory.jar"), actions.calls());
    }

    @Test
    public void aRenameSeenInOneBatchMovesThePluginAndInstallsNothing() throws Exception {
        Files.move(dir.resolve("kv-memory.jar"), dir.resolve("kv-mem2.jar"));

        sync.filesChanged(List.of(dir.resolve("kv-memory.jar"), dir.resolve("kv-mem2.jar")));

        assertEquals(List.of("install kv-memory.jar", "move kv-memory.jar kv-mem2.jar"), actions.calls());
        assertEquals(Set.of(dir.resolve("kv-mem2.jar")), actions.installed().keySet());
        assertTrue(actions.infos.toString(), actions.infos.contains(
                "kv-memory.jar was renamed to kv-mem2.jar in the plugins folder: its plugin runs on as it is"));

        // The record followed the file: a rescan finds nothing to do, and deleting the new name uninstalls.
        sync.rescan();
        assertEquals(2, actions.calls().size());
        Files.delete(dir.resolve("kv-mem2.jar"));
        sync.filesChanged(List.of(dir.resolve("kv-mem2.jar")));
        assertEquals("uninstall kv-mem2.jar", actions.calls().get(2));
    }

    @Test
    public void aRenameTheOtherWayRoundInTheBatchIsAMoveToo() throws Exception {
        Files.move(dir.resolve("kv-memory.jar"), dir.resolve("kv-mem2.jar"));

        // A rescan lists the new file before it finds the old one gone.
        sync.filesChanged(List.of(dir.resolve("kv-mem2.jar"), dir.resolve("kv-memory.jar")));

        assertEquals(List.of("install kv-memory.jar", "move kv-memory.jar kv-mem2.jar"), actions.calls());
    }

    @Test
    public void aRenameWhoseNewNameComesInALaterBatchIsAMoveToo() throws Exception {
        Files.move(dir.resolve("kv-memory.jar"), dir.resolve("kv-mem2.jar"));

        // The watch service reported the old name's deletion first, alone.
        sync.filesChanged(List.of(dir.resolve("kv-memory.jar")));
        sync.filesChanged(List.of(dir.resolve("kv-mem2.jar")));

        assertEquals(List.of("install kv-memory.jar", "move kv-memory.jar kv-mem2.jar"), actions.calls());
    }

    @Test
    public void aJarStillBeingWrittenIsNotTakenForTheRenamedOne() throws Exception {
        byte[] jar = Files.readAllBytes(dir.resolve("kv-memory.jar"));
        Files.write(dir.resolve("kv-mem2.jar"), java.util.Arrays.copyOf(jar, jar.length / 2));
        Files.delete(dir.resolve("kv-memory.jar"));

        sync.filesChanged(List.of(dir.resolve("kv-memory.jar")));

        assertEquals(List.of("install kv-memory.jar", "uninstall kv-memory.jar"), actions.calls());
    }

    @Test
    public void aRenameWithOtherContentOfTheSameBundleIsAnUpdate() throws Exception {
        TestJars.write(dir.resolve(".next"), TestJars.plugin("io.example.kv-memory", "2.0.0"));
        Files.delete(dir.resolve("kv-memory.jar"));
        Files.move(dir.resolve(".next"), dir.resolve("kv-memory-2.0.0.jar"));

        sync.filesChanged(List.of(dir.resolve("kv-memory.jar"), dir.resolve("kv-memory-2.0.0.jar")));

        assertEquals(List.of("install kv-memory.jar", "move kv-memory.jar kv-memory-2.0.0.jar",
                "update kv-memory-2.0.0.jar"), actions.calls());
        assertTrue(actions.infos.toString(), actions.infos.contains("kv-memory.jar was renamed to"
                + " kv-memory-2.0.0.jar in the plugins folder, with other content: its plugin is updated from it"));
    }

    @Test
    public void anotherBundleLandingAsOneLeavesIsNoMove() throws Exception {
        Files.delete(dir.resolve("kv-memory.jar"));
        TestJars.write(dir.resolve("kv-file.jar"), TestJars.plugin("io.example.kv-file", "1.0.0"));

        sync.filesChanged(List.of(dir.resolve("kv-memory.jar"), dir.resolve("kv-file.jar")));

        assertEquals(List.of("install kv-memory.jar", "uninstall kv-memory.jar", "install kv-file.jar"),
                actions.calls());
    }

    @Test
    public void aKindThatCannotMoveUninstallsAndInstalls() throws Exception {
        RecordingFolderActions noMoves = new RecordingFolderActions();
        noMoves.moves = false;
        Path other = temp.newFolder("other").toPath();
        TestJars.write(other.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        FolderSync plain = new FolderSync(other, List.of(new JarKind(noMoves)), noMoves,
                new WatchSettings(0, 500, false), delay -> { });
        plain.initialScan();
        Files.move(other.resolve("a.jar"), other.resolve("b.jar"));

        plain.filesChanged(List.of(other.resolve("a.jar"), other.resolve("b.jar")));

        assertEquals(List.of("install a.jar", "uninstall a.jar", "install b.jar"), noMoves.calls());
    }
}
