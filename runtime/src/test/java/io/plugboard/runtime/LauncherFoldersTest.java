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

/**
 * The one line a data or plugins folder that cannot be created (or written, when it must be) gives: the folder and
 * the reason in words.
 */
public class LauncherFoldersTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Launcher.StartupException prepareFails(String data) throws Exception {
        Path work = temp.getRoot().toPath();
        Options options = Options.parse(List.of("--data", data), Map.of(), work);
        Launcher launcher = new Launcher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return assertThrows(Launcher.StartupException.class, () -> launcher.prepareFolders(options));
    }

    /** A launcher to which the plugins folder is read-only: as root, no folder is to Java's own check. */
    private Launcher withReadOnly(Path plugins) {
        return new Launcher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                dir -> !dir.equals(plugins) && Files.isWritable(dir));
    }

    /** Only the first start writes to the plugins folder: a later one starts from a read-only folder. */
    @Test
    public void aLaterStartTakesAReadOnlyPluginsFolder() throws Exception {
        Path work = temp.getRoot().toPath();
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        Files.writeString(plugins.resolve("notes.txt"), "deployed read-only");
        Options options = Options.parse(List.of("--data", "data", "--plugins", "plugins"), Map.of(), work);
        Launcher launcher = withReadOnly(plugins);

        try (DataFolderLock lock = launcher.prepareFolders(options)) {
            launcher.awaitExamples();
        }

        try (java.util.stream.Stream<Path> files = Files.list(plugins)) {
            assertEquals("no example plugin is copied", List.of(plugins.resolve("notes.txt")), files.toList());
        }
    }

    /** The first start copies the example plugins: a folder it cannot write is named, with why it must be. */
    @Test
    public void aFirstStartIntoAPluginsFolderItCannotWriteNamesIt() throws Exception {
        Path work = temp.getRoot().toPath();
        Path plugins = work.resolve("plugins");
        Options options = Options.parse(List.of("--data", "data", "--plugins", "plugins"), Map.of(), work);

        Launcher.StartupException e = assertThrows(Launcher.StartupException.class,
                () -> withReadOnly(plugins).prepareFolders(options));

        assertEquals("the plugins folder " + plugins + " is not writable (the first start copies the example plugins"
                + " into it; a later one only reads it)", e.getMessage());
        assertTrue("not left behind, so the next start is the first one still", Files.notExists(plugins));
    }

    @Test
    public void aFirstStartIntoAPluginsFolderUnderAFileNamesIt() throws Exception {
        Path work = temp.getRoot().toPath();
        Files.writeString(work.resolve("blocker"), "a regular file");
        Options options = Options.parse(List.of("--data", "data", "--plugins", "blocker/plugins"), Map.of(), work);
        Launcher launcher = new Launcher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        Launcher.StartupException e = assertThrows(Launcher.StartupException.class,
                () -> launcher.prepareFolders(options));

        assertEquals("cannot create the plugins folder " + work.resolve("blocker/plugins") + ": Not a directory",
                e.getMessage());
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
