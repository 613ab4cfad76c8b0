package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Stale socket folders, with real processes as owners: one that ended, this one, a reused pid. */
public class SocketFoldersTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aFolderWhoseOwnerEndedIsRemovedWithItsSocketFile() throws Exception {
        Path root = temp.getRoot().toPath();
        Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(10, TimeUnit.SECONDS));
        Path stale = folder(root, "pbstale", SocketFolders.ownerOf(ended.toHandle()));
        Files.writeString(stale.resolve("plugin123456789"), "");

        assertEquals(List.of(stale), SocketFolders.removeStale(root));
        assertFalse(Files.exists(stale));
    }

    @Test
    public void aFolderOfThisRunningHostStays() throws Exception {
        Path root = temp.getRoot().toPath();
        Path mine = ProcessStarter.newSocketDir(root);

        assertEquals(List.of(), SocketFolders.removeStale(root));
        assertTrue(Files.isDirectory(mine));
        assertTrue(SocketFolders.running(Files.readString(mine.resolve(SocketFolders.OWNER_FILE))));
        // The owner line is taken once per process; every folder names this process exactly.
        Path next = ProcessStarter.newSocketDir(root);
        assertEquals(SocketFolders.ownerOf(ProcessHandle.current()),
                Files.readString(next.resolve(SocketFolders.OWNER_FILE)));
    }

    @Test
    public void aLivePidWithAnotherStartTimeIsAnotherProcess() throws Exception {
        Path root = temp.getRoot().toPath();
        // The pid was reused: this process runs under it now, started later than the owner.
        Path reused = folder(root, "pbreused", ProcessHandle.current().pid() + " 1");

        assertEquals(List.of(reused), SocketFolders.removeStale(root));
    }

    @Test
    public void foldersThatAreNotUnderstoodStay() throws Exception {
        Path root = temp.getRoot().toPath();
        Path noOwner = Files.createDirectory(root.resolve("pbnoowner"));
        Path garbled = folder(root, "pbgarbled", "not a pid");
        Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(10, TimeUnit.SECONDS));
        Path notOurs = folder(root, "other", SocketFolders.ownerOf(ended.toHandle()));

        assertEquals(List.of(), SocketFolders.removeStale(root));
        assertTrue(Files.isDirectory(noOwner));
        assertTrue(Files.isDirectory(garbled));
        assertTrue(Files.isDirectory(notOurs));
    }

    @Test
    public void aMissingRootHasNothingToRemove() {
        assertEquals(List.of(), SocketFolders.removeStale(temp.getRoot().toPath().resolve("missing")));
    }

    private static Path folder(Path root, String name, String owner) throws Exception {
        Path folder = Files.createDirectory(root.resolve(name));
        Files.writeString(folder.resolve(SocketFolders.OWNER_FILE), owner);
        return folder;
    }
}
