package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.testing.RecordingLogger;

/**
 * The watched folder routing files to the handler of their extension, next to jars, with real
 * files and real inotify events; handlers that come and go while it runs.
 */
public class HandlerFilesTest {

    private static final long GRACE = 300;
    /** How long a handler's file may be gone (an editor's save) before its plugin is uninstalled. */
    private static final long GONE = 1_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private final RecordingFolderActions jars = new RecordingFolderActions();
    private final RecordingLogger handlerLog = new RecordingLogger();
    private final TestFileHandler greetings = new TestFileHandler();
    private final FileHandler greetingHandler = new FileHandler(".greeting", greetings, 41, 0, 7,
            "io.plugboard.greeting-files 1.0.0");
    private WatchedFolder folder;
    /** The handler services still registered, by id; a handler that stops is taken out first. */
    private final Set<Long> registered = ConcurrentHashMap.newKeySet();

    @Before
    public void createFolder() {
        dir = temp.getRoot().toPath();
        registered.add(greetingHandler.serviceId());
    }

    @After
    public void stop() {
        if (folder != null) {
            folder.close();
        }
    }

    /**
     * A handler's install that takes long (a go-plugin waits for its plugin's start, up to its
     * start timeout) holds up neither the jars that land meanwhile nor the handler's next files:
     * its work runs on a thread of its own, in order.
     */
    @Test
    public void aSlowHandlerInstallHoldsUpNoJarThatLandsMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestFileHandler slow = new TestFileHandler();
        slow.gate = release;
        FileHandler slowHandler = new FileHandler(".greeting", slow, 42, 0, 8, "io.example.slow 1.0.0");
        registered.add(slowHandler.serviceId());
        FileTasks work = FolderWatcher.newHandlerTasks();
        try {
            folder = new WatchedFolder(dir, List.of(new JarKind(jars), new HandlerKind(dir, slowHandler,
                    registered::contains, names -> { }, work::execute, (file, warning) -> folder.installedLater(file, warning),
                    handlerLog.logger())), jars,
                    new WatchSettings(100, GRACE, true));
            folder.start();
            write("slow.greeting", "slow\n");
            TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));

            await(() -> jars.count("install a.jar") == 1);
            assertEquals("the slow install is still waiting", List.of(), slow.calls);
            release.countDown();
            await(() -> slow.count("install slow.greeting slow") == 1);
        } finally {
            release.countDown();
            work.stop(0);
        }
    }

    /** Starts a folder whose handler's installs of {@code slow.greeting} wait at the gate, on the runtime's handler threads. */
    private FileTasks startWithSlowFile(TestFileHandler slow, CountDownLatch release) throws Exception {
        slow.gate = release;
        slow.gatedFile = dir.resolve("slow.greeting");
        FileHandler slowHandler = new FileHandler(".greeting", slow, 42, 0, 8, "io.example.slow 1.0.0");
        registered.add(slowHandler.serviceId());
        FileTasks work = FolderWatcher.newHandlerTasks();
        folder = new WatchedFolder(dir, List.of(new JarKind(jars), new HandlerKind(dir, slowHandler,
                registered::contains, names -> { }, work::execute, (file, warning) -> folder.installedLater(file, warning),
                handlerLog.logger())), jars, new WatchSettings(100, GRACE, true));
        folder.start();
        return work;
    }

    /** One file whose install takes long (a go-plugin waiting for its start) holds up none of the handler's other files. */
    @Test
    public void aSlowInstallHoldsUpNoOtherFileOfTheSameHandler() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestFileHandler slow = new TestFileHandler();
        FileTasks work = startWithSlowFile(slow, release);
        try {
            write("slow.greeting", "slow\n");
            Thread.sleep(200); // the slow install is under way
            write("fast.greeting", "fast\n");

            await(() -> slow.count("install fast.greeting fast") == 1);
            assertEquals("the slow install is still waiting", List.of("install fast.greeting fast"), slow.calls());
            release.countDown();
            await(() -> slow.count("install slow.greeting slow") == 1);
        } finally {
            release.countDown();
            work.stop(0);
        }
    }

    /**
     * Deleting a file whose install is under way interrupts that install at once (a go-plugin
     * start is cancelled, its process killed), and says so in the log.
     */
    @Test
    public void deletingAFileWhoseInstallIsUnderWayInterruptsThatInstall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestFileHandler slow = new TestFileHandler();
        FileTasks work = startWithSlowFile(slow, release);
        try {
            Path file = write("slow.greeting", "slow\n");
            Thread.sleep(200); // the slow install is under way
            Files.delete(file);

            await(() -> slow.count("cancelled slow.greeting") == 1);
            assertEquals(List.of("cancelled slow.greeting"), slow.calls());
            await(() -> handlerLog.lines().contains("info: Cancelling the install of slow.greeting under way with"
                    + " the *.greeting handler (io.example.slow 1.0.0): the file left the plugins folder"));
            assertTrue(work.awaitDone(5_000));
            assertEquals(List.of(), slow.installed());
        } finally {
            release.countDown();
            work.stop(0);
        }
    }

    @Test
    public void aFileOfAHandlersExtensionIsInstalledReplacedAndUninstalledByIt() throws Exception {
        start(true);

        write("hello.greeting", "hello\n");
        await(() -> greetings.count("install hello.greeting hello") == 1);

        Path next = write(".hello.greeting.part", "hello2\n");
        Files.move(next, dir.resolve("hello.greeting"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        await(() -> greetings.count("install hello.greeting hello2") == 1);

        Files.delete(dir.resolve("hello.greeting"));
        await(() -> greetings.count("uninstall hello.greeting") == 1);
        // The host logs after the handler returns.
        await(() -> handlerLog.lines().size() == 3);
        assertEquals(List.of("install hello.greeting hello", "install hello.greeting hello2",
                "uninstall hello.greeting"), greetings.calls());
        assertEquals("the jar kind is not asked", List.of(), jars.calls());
        assertEquals(List.of(
                "info: Installed hello.greeting from the plugins folder with the *.greeting handler (io.plugboard.greeting-files 1.0.0)",
                "info: Updated hello.greeting from the plugins folder with the *.greeting handler (io.plugboard.greeting-files 1.0.0)",
                "info: Uninstalled the plugin of hello.greeting with the *.greeting handler (io.plugboard.greeting-files 1.0.0): "
                        + "the file left the plugins folder"), handlerLog.lines());
    }

    @Test
    public void initialScanGivesEachKindItsFiles() throws Exception {
        TestJars.write(dir.resolve("b.jar"), TestJars.plugin("b", "1.0.0"));
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        write("x.greeting", "x\n");
        write("notes.txt", "not a plugin\n");

        start(true);

        assertEquals(List.of("install a.jar,b.jar"), jars.calls());
        assertEquals(List.of("install x.greeting x"), greetings.calls());
        assertEquals(List.of(), jars.infos);
    }

    @Test
    public void aHalfWrittenFileIsInstalledOnlyOnceTheHandlerFindsItComplete() throws Exception {
        start(true);

        try (OutputStream out = Files.newOutputStream(dir.resolve("slow.greeting"))) {
            for (String part : List.of("sl", "ow", "ly")) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(GRACE + 200);
                assertEquals("nothing is installed while the file is incomplete", List.of(), greetings.calls());
            }
            out.write('\n');
        }

        await(() -> greetings.count("install slow.greeting slowly") == 1);
        // The long pauses may rightly be reported, always with the handler's reason.
        jars.warnings.forEach(w -> assertTrue(w, w.startsWith("Not installing slow.greeting from the plugins folder: "
                + "slow.greeting is incomplete: it does not end with a line break")));
    }

    @Test
    public void anInvalidFileIsReportedOnceWithTheHandlersReasonAndTheOthersAreStillHandled() throws Exception {
        start(true);

        write("blank.greeting", "\n");
        await(() -> jars.warnings.size() == 1);
        write("good.greeting", "good\n");
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        await(() -> greetings.count("install good.greeting good") == 1 && jars.count("install a.jar") == 1);

        Thread.sleep(GRACE + 300);
        assertEquals(List.of("Not installing blank.greeting from the plugins folder: blank.greeting names no plugin "
                + "on its first line"), jars.warnings);
        assertEquals(List.of("install good.greeting good"), greetings.calls());
    }

    @Test
    public void aFileInvalidForWhatItNamesIsInstalledOnceThatIsThereWithoutChangingItself() throws Exception {
        start(true);

        // As a .goplugin whose program is not there yet: the descriptor itself never changes.
        write("later.greeting", "later\nneeds later.bin\n");
        await(() -> jars.warnings.size() == 1);
        assertEquals(List.of("Not installing later.greeting from the plugins folder: later.greeting needs later.bin, "
                + "which does not exist"), jars.warnings);
        Thread.sleep(GRACE + 300);
        assertEquals("reported once, whatever the rescans", 1, jars.warnings.size());

        // A file the folder does not watch (not of a kind), as a program in bin/ would be.
        write("later.bin", "#!/bin/sh\n");
        await(() -> greetings.count("install later.greeting later") == 1);
    }

    @Test
    public void anEditorsSaveOfTheSameContentLeavesThePluginAlone() throws Exception {
        Path file = write("a.greeting", "hello\n");
        start(true, GONE);
        await(() -> greetings.count("install a.greeting hello") == 1);

        // Emacs's save: the file is moved away to its backup, then written anew under its name.
        Path backup = Files.move(file, dir.resolve("a.greeting~"));
        Thread.sleep(50);
        Files.copy(backup, file);

        Thread.sleep(GONE + 500);
        assertEquals(List.of("install a.greeting hello"), greetings.calls());
    }

    @Test
    public void anEditorsSaveOfNewContentIsAnUpdateNotAnUninstallAndAnInstall() throws Exception {
        Path file = write("a.greeting", "hello\n");
        start(true, GONE);
        await(() -> greetings.count("install a.greeting hello") == 1);

        Files.move(file, dir.resolve("a.greeting~"));
        Thread.sleep(50);
        write("a.greeting", "hello\nversion 2\n");

        await(() -> greetings.count("install a.greeting hello") == 2);
        Thread.sleep(GONE + 200);
        assertEquals(List.of("install a.greeting hello", "install a.greeting hello"), greetings.calls());
    }

    @Test
    public void aDescriptorThatStaysGoneIsUninstalledOnceTheDelayIsOver() throws Exception {
        write("a.greeting", "hello\n");
        start(true, GONE);
        await(() -> greetings.count("install a.greeting hello") == 1);

        long deleted = System.nanoTime();
        Files.delete(dir.resolve("a.greeting"));

        await(() -> greetings.count("uninstall a.greeting") == 1);
        long tookMillis = (System.nanoTime() - deleted) / 1_000_000;
        assertTrue("uninstalled after " + tookMillis + " ms", tookMillis >= GONE);
    }

    @Test
    public void aHandlerThatFailsIsReportedAndTheFolderGoesOn() throws Exception {
        start(true);
        greetings.failure = new IllegalStateException("boom");

        write("x.greeting", "x\n");
        await(() -> !jars.warnings.isEmpty());
        greetings.failure = null;
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("a", "1.0.0"));
        write("y.greeting", "y\n");

        await(() -> jars.count("install a.jar") == 1 && greetings.count("install y.greeting y") == 1);
        // Reported by the folder, which logs a refusal once per content and reason.
        assertEquals(List.of("Cannot install x.greeting from the plugins folder: the *.greeting handler "
                + "(io.plugboard.greeting-files 1.0.0) failed: java.lang.IllegalStateException: boom"),
                jars.warnings);
        assertEquals(List.of(), handlerLog.lines("warn"));
    }

    @Test
    public void aFileRefusedForTheNameOfAnotherFilesPluginIsInstalledOnceThatFileIsDeleted() throws Exception {
        Path first = write("shaok.greeting", "a14\n");
        start(true);
        write("a14copy.greeting", "a14\n");
        await(() -> jars.warnings.size() == 1);
        assertEquals("Cannot install a14copy.greeting from the plugins folder: a14copy.greeting declares the plugin a14, "
                + "which already runs from shaok.greeting", jars.warnings.get(0));
        Thread.sleep(GRACE);
        assertEquals("refused once, not tried again while the conflict lasts", List.of("install shaok.greeting a14"),
                greetings.calls());

        Files.delete(first);

        await(() -> greetings.count("install a14copy.greeting a14") == 1);
        assertEquals(List.of("install shaok.greeting a14", "uninstall shaok.greeting", "install a14copy.greeting a14"),
                greetings.calls());
        assertEquals(1, jars.warnings.size());
    }

    @Test
    public void aFileRefusedForTheNameOfAnotherFilesPluginIsInstalledOnceThatPluginIsUninstalled() throws Exception {
        Path first = write("shaok.greeting", "a14\n");
        start(true);
        write("a14copy.greeting", "a14\n");
        await(() -> jars.warnings.size() == 1);
        Thread.sleep(GRACE);

        // What plugin:uninstall a14 does: the handler stops the plugin (its file stays), and the folder is told.
        greetings.uninstall(first);
        folder.pluginLeft();

        await(() -> greetings.count("install a14copy.greeting a14") == 1);
        Thread.sleep(GRACE);
        assertEquals("shaok.greeting, unchanged, is not installed again", List.of("install shaok.greeting a14",
                "uninstall shaok.greeting", "install a14copy.greeting a14"), greetings.calls());
        assertEquals(1, jars.warnings.size());
    }

    @Test
    public void aHandlerThatFailsBecauseItLeftIsNotReportedAsFailing() throws Exception {
        start(true);
        // As the go-plugin handler does when the runtime stops during the folder's first scan: its
        // service is unregistered first, then its launcher closes under the install.
        registered.remove(greetingHandler.serviceId());
        greetings.failure = new IllegalStateException("the plugin launcher is closed");

        write("x.greeting", "x\n");
        await(() -> !handlerLog.lines("debug").isEmpty());
        assertEquals(List.of("debug: Not installing x.greeting: the *.greeting handler (io.plugboard.greeting-files 1.0.0)"
                + " left meanwhile (java.lang.IllegalStateException: the plugin launcher is closed)"),
                handlerLog.lines("debug"));
        assertEquals(List.of(), handlerLog.lines("warn"));
    }

    @Test
    public void filesPresentBeforeTheirHandlerArrivesAreInstalledWhenItDoes() throws Exception {
        write("early.greeting", "early\n");
        start(false);
        assertEquals(List.of(), greetings.calls());

        folder.setKinds(List.of(new JarKind(jars), kind(greetingHandler)));

        await(() -> greetings.count("install early.greeting early") == 1);
    }

    @Test
    public void aHandlerThatLeavesHasItsFilesForgottenAndInstalledAgainWhenItReturns() throws Exception {
        write("a.greeting", "a\n");
        start(true);
        assertEquals(List.of("install a.greeting a"), greetings.calls());

        // The handler's bundle stops: its plugins stop with it, and the folder must not ask it for anything.
        folder.setKinds(List.of(new JarKind(jars)));
        greetings.installed.clear();
        await(() -> !jars.infos.isEmpty());
        assertEquals(List.of("The handler of *.greeting files is gone; a.greeting in the plugins folder waits for one"),
                jars.infos);

        write("b.greeting", "b\n");
        Files.delete(dir.resolve("a.greeting"));
        await(() -> jars.infos.size() == 2);
        assertEquals("b.greeting in the plugins folder waits for a handler of *.greeting files; none is installed now",
                jars.infos.get(1));

        folder.setKinds(List.of(new JarKind(jars), kind(greetingHandler)));
        await(() -> greetings.count("install b.greeting b") == 1);
        Thread.sleep(200);
        assertEquals("a.greeting is gone; b.greeting is installed once", List.of("install a.greeting a",
                "install b.greeting b"), greetings.calls());
        assertEquals(2, jars.infos.size());
    }

    @Test
    public void aHandlerThatReturnsKeepsPluginsItStillRunsFromUnchangedFiles() throws Exception {
        Path file = write("a.greeting", "a\n");
        // Installed after the file was last written: the handler runs it as the file says.
        greetings.installed.put(file, new PluginFile(file, "a", Files.getLastModifiedTime(file).toMillis() + 1_000));

        start(true);

        Thread.sleep(200);
        assertEquals(List.of(), greetings.calls());
    }

    /**
     * A plugin the handler still runs from an unchanged file is kept; the same descriptor saved
     * again afterwards (a new file, a new time stamp) is no change, as for a file the folder
     * installed itself.
     */
    @Test
    public void aKeptFileSavedAgainUnchangedIsNotInstalledAgain() throws Exception {
        Path file = write("a.greeting", "a\n");
        greetings.installed.put(file, new PluginFile(file, "a", Files.getLastModifiedTime(file).toMillis() + 1_000));
        start(true);

        // As an editor saves: the content written to another file, renamed over the old one.
        Path saved = write(".a.greeting.swp", "a\n");
        Files.setLastModifiedTime(saved, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Files.move(saved, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        folder.overflow();
        assertTrue(folder.awaitQueuedWork(5_000));

        assertEquals(List.of(), greetings.calls());
    }

    @Test
    public void pluginsTheHandlerRunsFromFilesNoLongerInTheFolderAreUninstalled() throws Exception {
        Path gone = dir.resolve("gone.greeting");
        greetings.installed.put(gone, new PluginFile(gone, "gone", System.currentTimeMillis()));
        Path elsewhere = temp.newFolder("elsewhere").toPath().resolve("other.greeting");
        greetings.installed.put(elsewhere, new PluginFile(elsewhere, "other", System.currentTimeMillis()));

        start(true);

        assertEquals("a plugin installed from elsewhere (plugin:install) is none of the folder's business",
                List.of("uninstall gone.greeting"), greetings.calls());
    }

    @Test
    public void filesOfUnknownExtensionsAreIgnoredSilentlyAndAHiddenDescriptorWithALine() throws Exception {
        start(true);

        write("notes.txt", "x\n");
        write(".hidden.greeting", "x\n");
        write("half.greeting.part", "x\n");

        await(() -> !jars.infos.isEmpty());
        Thread.sleep(300);
        assertEquals(List.of(), greetings.calls());
        assertEquals(List.of(".hidden.greeting in the plugins folder is ignored: hidden files are, because editors and"
                + " copy tools write their temporary files so; rename it to hidden.greeting to install it"), jars.infos);
        assertEquals(List.of(), jars.warnings);
    }

    @Test
    public void theLongestExtensionTakesAFile() {
        List<FileKind> kinds = new ArrayList<>();
        kinds.add(new JarKind(jars));
        FileKind gz = kind(new FileHandler(".gz", greetings, 1, 0, 7, "gz 1.0.0"));
        FileKind targz = kind(new FileHandler(".tar.gz", greetings, 2, 0, 7, "tar 1.0.0"));
        kinds.add(gz);
        kinds.add(targz);
        FileKinds byName = new FileKinds(kinds);

        assertEquals(targz, byName.of(dir.resolve("a.TAR.gz")).orElseThrow());
        assertEquals(gz, byName.of(dir.resolve("a.gz")).orElseThrow());
        assertTrue(byName.of(dir.resolve(".tar.gz")).isEmpty());
        assertTrue(byName.of(dir.resolve("a.gz.tmp")).isEmpty());

        byName.replace(List.of(new JarKind(jars)));
        assertEquals(".tar.gz", byName.waitingFor(dir.resolve("a.tar.gz")).orElseThrow());
        assertTrue(byName.waitingFor(dir.resolve("a.zip")).isEmpty());
        assertTrue(byName.waitingFor(dir.resolve("a.jar")).isEmpty());
    }

    private void start(boolean withHandler) throws Exception {
        start(withHandler, 0);
    }

    /** With rescans 100 ms apart, and the given delay before a handler's file found gone is uninstalled. */
    private void start(boolean withHandler, long goneMillis) throws Exception {
        List<FileKind> kinds = new ArrayList<>();
        kinds.add(new JarKind(jars));
        if (withHandler) {
            kinds.add(kind(greetingHandler));
        }
        folder = new WatchedFolder(dir, kinds, jars, new WatchSettings(100, GRACE, true, goneMillis));
        folder.start();
    }

    private FileKind kind(FileHandler handler) {
        // The refusals reach the folder as in the runtime: handed to its worker.
        return new HandlerKind(dir, handler, registered::contains, names -> { }, (file, interruptible, task) -> {
                    task.run();
                    return false;
                },
                (file, warning) -> folder.installedLater(file, warning), handlerLog.logger());
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
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
