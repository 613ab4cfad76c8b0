package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The one line a data folder that cannot be created gives: the folder and the reason in words. */
public class LauncherFoldersTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Launcher.StartupException prepareFails(String data) throws Exception {
        Path work = temp.getRoot().toPath();
        Options options = Options.parse(List.of("--data", data), Map.of(), work);
        Launcher launcher = new Launcher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return assertThrows(Launcher.StartupException.class, () -> launcher.prepareFolders(options));
    }

    @Test
    public void aDataFolderTheFileSystemTakesNoFolderForIsNamedWithTheReasonInWords() throws Exception {
        // /proc takes no new directory: mkdir fails with ENOENT, which Java gives as a bare NoSuchFileException.
        assumeTrue("needs Linux's /proc", Files.isDirectory(Path.of("/proc/self")));

        Launcher.StartupException e = prepareFails("/proc/nope");

        assertEquals("cannot create the data folder /proc/nope: no such file or directory "
                + "(the file system does not let it be created there)", e.getMessage());
        assertTrue("the plugins folder is not created either", Files.notExists(temp.getRoot().toPath().resolve("plugins")));
    }

    @Test
    public void aFileWhereAParentFolderShouldBeSaysSo() throws Exception {
        Files.writeString(temp.getRoot().toPath().resolve("blocker"), "a regular file");

        Launcher.StartupException e = prepareFails("blocker/data");

        assertEquals("cannot create the data folder " + temp.getRoot().toPath().resolve("blocker/data")
                + ": Not a directory", e.getMessage());
    }

    @Test
    public void reasonsWithoutWordsFromTheJdkGetWords() {
        assertEquals("permission denied", Launcher.reason(new AccessDeniedException("/x")));
        assertEquals("no such file or directory (the file system does not let it be created there)",
                Launcher.reason(new NoSuchFileException("/x")));
        // A reason the JDK gives is kept.
        assertEquals("Read-only file system", Launcher.reason(new java.nio.file.FileSystemException("/x", null,
                "Read-only file system")));
    }
}
