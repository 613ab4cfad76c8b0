package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.goplugin.internal.wire.PluginChannels;
import io.plugboard.testing.RecordingLogger;

/** The handler's bookkeeping of descriptor files, with {@link FakePlugin} instances. */
public class GoPluginHandlerTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final FakePlugin plugin = new FakePlugin(events);
    private final RecordingLogger log = new RecordingLogger();
    private final AtomicBoolean sharedClosed = new AtomicBoolean();
    private Path folder;
    private GoPluginHandler handler;

    @Before
    public void setUp() throws Exception {
        folder = temp.newFolder("plugins").toPath();
        DescriptorTest.executable(folder.resolve("kv-plugin"), "#!/bin/sh\n");
        handler = newHandler();
    }

    private GoPluginHandler newHandler() {
        return new GoPluginHandler(log.logger(), plugin, supervisor -> new FakePlugin.Published(events),
                temp.getRoot().toPath().resolve("data/goplugin"), SupervisorTest.FAST, () -> sharedClosed.set(true));
    }

    private GoPluginHandler newHandler(Path pluginsDir) {
        return new GoPluginHandler(log.logger(), plugin, supervisor -> new FakePlugin.Published(events),
                temp.getRoot().toPath().resolve("data/goplugin"), SupervisorTest.FAST, () -> sharedClosed.set(true),
                GoPluginHandler.OtherPlugins.NONE, pluginsDir);
    }

    @After
    public void tearDown() {
        handler.deactivate();
    }

    private Path descriptor(String fileName, String name, String extra) throws Exception {
        Path file = folder.resolve(fileName);
        Files.writeString(file, "name=" + name + "\ntype=kv\ncommand=kv-plugin\ncookie=BASIC_PLUGIN=hello\n" + extra);
        return file;
    }

    @Test
    public void aSpinWindowPropertyThatNamesNoneIsWarnedAboutAndTheDefaultUsed() {
        RecordingLogger warnings = new RecordingLogger();
        assertEquals(Duration.ofNanos(300_000), GoPluginHandler.spinWindow("300", warnings.logger()));
        assertEquals(PluginChannels.DEFAULT_SPIN, GoPluginHandler.spinWindow("lots", warnings.logger()));
        assertEquals(List.of("warn: plugboard.goplugin.spin.micros is \"lots\": it must be a whole number of microseconds"
                + " from 0 to 1000000; using the default, 500 µs"), warnings.lines());
    }

    @Test
    public void afterARestartTheDescriptorThatRanANameKeepsItWhicheverComesFirst() throws Exception {
        Path first = descriptor("b-first.goplugin", "kv.go", "");
        Path second = descriptor("a-second.goplugin", "kv.go", "version=2.0\n");
        handler.install(first);
        assertThrows(PluginFileException.class, () -> handler.install(second));
        handler.deactivate();

        // The restart: a new handler on the same data folder, the files handed over the other way round.
        handler = newHandler();
        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.install(second));
        assertEquals(second + " declares the plugin kv.go, which ran from " + first + " before; that file keeps the"
                + " name: give this one another name (key \"name\") or remove " + first + " first", e.getMessage());
        handler.install(first);
        assertEquals(List.of(first), handler.installed().stream().map(PluginFile::file).toList());

        // Uninstalled on purpose, it leaves the name to the other.
        handler.uninstall(first);
        handler.install(second);
        assertEquals(List.of(second), handler.installed().stream().map(PluginFile::file).toList());
    }

    /** The folder copied (or bind-mounted) and watched at its new path: the old files, left behind, keep no name. */
    @Test
    public void aNameOwnerOutsideTheWatchedFolderDoesNotKeepTheName() throws Exception {
        handler.deactivate();
        handler = newHandler(folder);
        Path first = descriptor("kv-go.goplugin", "kv.go", "");
        handler.install(first);
        handler.deactivate();

        Path copy = temp.newFolder("plugins-copy").toPath();
        DescriptorTest.executable(copy.resolve("kv-plugin"), "#!/bin/sh\n");
        Path copied = Files.copy(first, copy.resolve("kv-go.goplugin"));
        handler = newHandler(copy);
        handler.install(copied);

        assertEquals(List.of(copied), handler.installed().stream().map(PluginFile::file).toList());
    }

    /** The folder watched through a link: its files are the recorded ones, which keep their names against others. */
    @Test
    public void aNameOwnerInTheWatchedFolderSeenThroughALinkIsTheSameFile() throws Exception {
        handler.deactivate();
        handler = newHandler(folder);
        Path first = descriptor("kv-go.goplugin", "kv.go", "");
        handler.install(first);
        handler.deactivate();

        Path link = Files.createSymbolicLink(temp.getRoot().toPath().resolve("plugins-link"), folder);
        handler = newHandler(link);
        Path other = descriptor("a-other.goplugin", "kv.go", "version=2.0\n");
        PluginFileException e = assertThrows(PluginFileException.class,
                () -> handler.install(link.resolve("a-other.goplugin")));
        assertEquals(link.resolve("a-other.goplugin") + " declares the plugin kv.go, which ran from " + first
                + " before; that file keeps the name: give this one another name (key \"name\") or remove " + first
                + " first", e.getMessage());
        handler.install(link.resolve("kv-go.goplugin"));

        assertEquals(List.of(link.resolve("kv-go.goplugin")), handler.installed().stream().map(PluginFile::file).toList());
        assertTrue(Files.exists(other));
    }

    @Test
    public void installStartsAndPublishesAndDescribeShowsIt() throws Exception {
        Path file = descriptor("kv.go.goplugin", "kv.go", "version=1.0\n");
        handler.install(file);
        assertEquals(List.of("start 101", "publish kv.go 1.0.0"), events);
        List<PluginFile> installed = handler.installed();
        assertEquals(1, installed.size());
        assertEquals(file, installed.get(0).file());
        assertEquals("kv.go", installed.get(0).pluginName());
        Map<String, String> facts = handler.describe("kv.go");
        assertEquals("serving", facts.get("state"));
        assertEquals("101", facts.get("pid"));
        assertEquals(file.toString(), facts.get("descriptor"));
        assertEquals(Map.of(), handler.describe("kv.memory"));
    }

    @Test
    public void checkFingerprintsWithoutStartingAnything() throws Exception {
        Path file = descriptor("kv.go.goplugin", "kv.go", "");
        long first = handler.check(file);
        assertEquals(first, handler.check(file));
        descriptor("kv.go.goplugin", "kv.go", "version=2.0\n");
        assertNotEquals(first, handler.check(file));
        assertEquals(List.of(), events);
        Files.writeString(file, "name=kv.go\n");
        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.check(file));
        assertEquals(file + ": key \"type\" is missing (the plugin type; only kv is supported)", e.getMessage());
    }

    @Test
    public void installingTheSameFileAgainReplacesThePlugin() throws Exception {
        Path file = descriptor("kv.go.goplugin", "kv.go", "version=1.0\n");
        handler.install(file);
        long firstInstall = handler.installed().get(0).installedMillis();
        descriptor("kv.go.goplugin", "kv.go", "version=1.1\n");
        handler.install(file);
        FakePlugin.await("the old instance stopped", () -> events.contains("stop 101"));
        assertEquals(List.of("start 101", "publish kv.go 1.0.0", "start 102", "publish kv.go 1.1.0", "stop 101"),
                events);
        assertEquals(1, handler.installed().size());
        assertTrue(handler.installed().get(0).installedMillis() >= firstInstall);
    }

    @Test
    public void anotherFileWithARunningNameIsRefused() throws Exception {
        Path first = descriptor("kv.go.goplugin", "kv.go", "");
        handler.install(first);
        Path second = descriptor("copy.goplugin", "kv.go", "");
        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.install(second));
        assertEquals(second + " declares the plugin kv.go, which already runs from " + first
                + "; give it another name (key \"name\") or uninstall kv.go.goplugin first", e.getMessage());
        assertEquals(1, handler.installed().size());
        assertEquals(1, plugin.instances.size());
    }

    @Test
    public void aNameABundlesPluginHasIsRefusedAndTheFileIsTakenOnceThatPluginIsGone() throws Exception {
        Map<String, String> bundlePlugins = new ConcurrentHashMap<>(Map.of("kv.memory",
                "bundle 15 (io.plugboard.kv-memory 1.0.0, from /plugins/kv-memory.jar)"));
        handler.deactivate();
        handler = new GoPluginHandler(log.logger(), plugin, supervisor -> new FakePlugin.Published(events),
                temp.getRoot().toPath().resolve("data/goplugin"), SupervisorTest.FAST, () -> sharedClosed.set(true),
                name -> Optional.ofNullable(bundlePlugins.get(name)));
        Path file = descriptor("kv-memory-go.goplugin", "kv.memory", "");

        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.install(file));
        assertEquals(file + " declares the plugin kv.memory, which bundle 15 (io.plugboard.kv-memory 1.0.0, from"
                + " /plugins/kv-memory.jar) serves already; a go-plugin and a bundle cannot share a plugin name: give it"
                + " another name (key \"name\") or uninstall that bundle first", e.getMessage());
        assertEquals("nothing started", List.of(), events);
        assertEquals(List.of(), handler.installed());

        // A file whose plugin runs, changed to name the bundle's plugin: refused, its plugin keeps running.
        Path go = descriptor("kv-go.goplugin", "kv.go", "");
        handler.install(go);
        descriptor("kv-go.goplugin", "kv.memory", "");
        assertThrows(PluginFileException.class, () -> handler.install(go));
        assertEquals(List.of("kv.go"), handler.installed().stream().map(PluginFile::pluginName).toList());

        // The bundle's plugin gone, the file is taken.
        bundlePlugins.clear();
        handler.install(file);
        assertEquals(List.of("kv.go", "kv.memory"),
                handler.installed().stream().map(PluginFile::pluginName).sorted().toList());
    }

    @Test
    public void aBundlesFileLocationIsShownAsItsPath() {
        assertEquals("/plugins/kv memory.jar", GoPluginHandler.shownLocation("file:/plugins/kv%20memory.jar"));
        assertEquals("https://example.com/kv.jar", GoPluginHandler.shownLocation("https://example.com/kv.jar"));
        assertEquals("plugboard:boot/kv.jar#1", GoPluginHandler.shownLocation("plugboard:boot/kv.jar#1"));
    }

    @Test
    public void anInvalidDescriptorInstallsNothing() throws Exception {
        Path file = descriptor("kv.go.goplugin", "kv.go", "restart=sometimes\n");
        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.install(file));
        assertTrue(e.getMessage(), e.getMessage().contains("key \"restart\""));
        assertEquals(List.of(), handler.installed());
        assertEquals(List.of(), events);
    }

    @Test
    public void aPluginThatDoesNotStartIsNotInstalled() throws Exception {
        plugin.failNextStart("kv.go did not start: wrong magic cookie");
        Path file = descriptor("kv.go.goplugin", "kv.go", "");
        PluginFileException e = assertThrows(PluginFileException.class, () -> handler.install(file));
        assertEquals("kv.go did not start: wrong magic cookie", e.getMessage());
        assertEquals(List.of(), handler.installed());
        assertEquals(Map.of(), handler.describe("kv.go"));
    }

    @Test
    public void aFileThatNowNamesAnotherPluginSwapsThem() throws Exception {
        Path file = descriptor("kv.goplugin", "kv.go", "");
        handler.install(file);
        descriptor("kv.goplugin", "kv.go2", "");
        handler.install(file);
        assertEquals(List.of("start 101", "publish kv.go 0.0.0", "start 102", "publish kv.go2 0.0.0", "withdraw",
                "stop 101"), events);
        assertEquals("kv.go2", handler.installed().get(0).pluginName());
        assertEquals(Map.of(), handler.describe("kv.go"));
    }

    @Test
    public void uninstallStopsAndForgets() throws Exception {
        Path file = descriptor("kv.go.goplugin", "kv.go", "");
        handler.install(file);
        handler.uninstall(folder.resolve("../plugins/kv.go.goplugin"));
        assertEquals(List.of("start 101", "publish kv.go 0.0.0", "withdraw", "stop 101"), events);
        assertEquals(List.of(), handler.installed());
        handler.uninstall(file); // nothing installed from it: nothing happens
        assertEquals(4, events.size());
        SupervisorTest.awaitNoSupervisorThread();
    }

    @Test
    public void deactivateStopsEveryPluginThenClosesWhatTheyShared() throws Exception {
        handler.install(descriptor("a.goplugin", "kv.a", ""));
        handler.install(descriptor("b.goplugin", "kv.b", ""));
        handler.deactivate();
        assertTrue(plugin.instances.stream().allMatch(instance -> instance.stopped));
        assertTrue(sharedClosed.get());
        assertEquals(List.of(), handler.installed());
        FakePlugin.await("no supervisor thread left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("plugboard-goplugin-")));
    }

    @Test
    public void theDataFolderIsTheFrameworkPropertyElseTheBundlesDataArea() {
        assertEquals(Path.of("/srv/plugboard/data"), GoPluginHandler.dataFolder(" /srv/plugboard/data ", null));
        assertEquals(Path.of("/felix/bundle7/data"),
                GoPluginHandler.dataFolder(null, new File("/felix/bundle7/data")));
        assertEquals(Path.of("/felix/bundle7/data"), GoPluginHandler.dataFolder(" ", new File("/felix/bundle7/data")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GoPluginHandler.dataFolder(null, null));
        assertEquals("go-plugin plugins need a data folder: set the framework property plugboard.data.dir; this"
                + " framework gives bundles no data area", e.getMessage());
    }

    @Test
    public void socketFoldersAreFreshShortAndPrivate() throws Exception {
        Path root = temp.newFolder("s").toPath();
        Path one = ProcessStarter.newSocketDir(root);
        Path two = ProcessStarter.newSocketDir(root);
        assertNotEquals(one, two);
        assertEquals(root, one.getParent());
        assertTrue(one.getFileName().toString().startsWith("pb"));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(one)));
        ProcessInstance.deleteTree(one);
        assertFalse(Files.exists(one));
    }

    @Test
    public void aSocketRootTooLongForASocketPathIsRefused() throws Exception {
        Path root = temp.getRoot().toPath().resolve("x".repeat(100));
        PluginFileException e = assertThrows(PluginFileException.class, () -> ProcessStarter.newSocketDir(root));
        assertTrue(e.getMessage(), e.getMessage().contains("a Unix socket path must stay under 108 bytes, so the folder"
                + " may have at most 91: set the framework property plugboard.goplugin.socket.dir to a shorter folder"));
        try (var left = Files.list(root)) {
            assertEquals("the refused folder is removed", 0, left.count());
        }
    }
}
