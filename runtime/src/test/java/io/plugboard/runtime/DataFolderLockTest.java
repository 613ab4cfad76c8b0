package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The data folder's lock, against other processes (a child JVM, as a second runtime would be)
 * and within one JVM, where a second channel on the file must not release the lock on close.
 */
public class DataFolderLockTest {

    private static final long CHILD_SECONDS = 30;

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path data;
    private Process child;

    @Before
    public void createDataFolder() throws IOException {
        data = temp.newFolder("data").toPath();
    }

    @After
    public void killChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aFolderLockedByAnotherProcessIsRefusedWithItsPid() throws Exception {
        child = holdInChild(data);

        Launcher.StartupException e = assertThrows(Launcher.StartupException.class, () -> DataFolderLock.acquire(data));

        assertEquals(inUse(child.pid()), e.getMessage());
        assertEquals(child.pid() + "\n", Files.readString(data.resolve(DataFolderLock.FILE_NAME)));
    }

    @Test
    public void aKilledHolderLeavesTheFolderFree() throws Exception {
        child = holdInChild(data);
        child.destroyForcibly(); // SIGKILL: nothing of the child's own runs
        assertTrue(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS));

        try (DataFolderLock lock = DataFolderLock.acquire(data)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(data.resolve(DataFolderLock.FILE_NAME)));
        }
    }

    @Test
    public void aSecondLockInTheSameJvmIsRefusedAndTheFirstIsStillHeld() throws Exception {
        try (DataFolderLock first = DataFolderLock.acquire(data)) {
            Launcher.StartupException e = assertThrows(Launcher.StartupException.class, () -> DataFolderLock.acquire(data));
            assertEquals(inUse(ProcessHandle.current().pid()), e.getMessage());
            // The same folder by another path is the same lock.
            Path link = Files.createSymbolicLink(temp.getRoot().toPath().resolve("link"), data);
            assertThrows(Launcher.StartupException.class, () -> DataFolderLock.acquire(link));

            // Still held for other processes: the refusal closed no channel on the file.
            assertEquals("refused", tryInChild(data));
        }
    }

    @Test
    public void closeReleasesTheLock() throws Exception {
        DataFolderLock.acquire(data).close();

        assertEquals("locked", tryInChild(data));
        DataFolderLock.acquire(data).close();
    }

    @Test
    public void theMessageNamesNoPidWhenTheHolderWroteNone() throws Exception {
        child = holdInChild(data);
        // A holder that has not written its pid yet (or could not).
        Files.writeString(data.resolve(DataFolderLock.FILE_NAME), "");

        Launcher.StartupException e = assertThrows(Launcher.StartupException.class, () -> DataFolderLock.acquire(data));

        assertEquals("the data folder " + data + " is in use by another Plugboard;"
                + " stop it first or start with --data <another folder>", e.getMessage());
    }

    private String inUse(long pid) {
        return "the data folder " + data + " is in use by another Plugboard (pid " + pid + ");"
                + " stop it first or start with --data <another folder>";
    }

    /** Starts a JVM that locks {@code folder} and holds it until killed; returns once it holds it. */
    private static Process holdInChild(Path folder) throws Exception {
        Process process = startChild(folder, "hold");
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"locked".equals(line)) {
            process.destroyForcibly();
            fail("the child did not lock " + folder + ": " + line);
        }
        return process;
    }

    /** Whether a JVM of its own can lock {@code folder}: "locked" or "refused". */
    private static String tryInChild(Path folder) throws Exception {
        Process process = startChild(folder, "try");
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!process.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the child trying to lock " + folder + " did not exit");
        }
        return line;
    }

    private static Process startChild(Path folder, String mode) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), folder.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The other process: locks the folder and says so, then holds the lock ("hold") or exits ("try"). */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            DataFolderLock lock;
            try {
                lock = DataFolderLock.acquire(Path.of(args[0]));
            } catch (Launcher.StartupException e) {
                System.out.println("refused");
                return;
            }
            System.out.println("locked");
            System.out.flush();
            if (args[1].equals("hold")) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(CHILD_SECONDS));
            }
            lock.close();
        }
    }
}
