package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.ExternalResource;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.testing.RecordingLogger;

/**
 * The watcher as Declarative Services runs it, with the real installer in a real Felix: what it
 * hears of bundles that leave, and what is left of it once it is deactivated.
 */
public class FolderWatcherTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final Map<String, String> properties = new HashMap<>();
    private final FelixFramework felix = new FelixFramework(temp, properties);
    private Path dir;

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(new ExternalResource() {
        @Override
        protected void before() throws Throwable {
            dir = temp.newFolder("plugins").toPath();
            properties.put(FolderWatcher.PLUGINS_DIR, dir.toString());
            // No periodic rescan within a test: only events, and what the watcher is told, count.
            properties.put(FolderWatcher.RESCAN_MS, "600000");
        }
    }).around(felix);

    private final RecordingLogger log = new RecordingLogger();
    private final PluginFileHandlers handlers = new PluginFileHandlers(log.logger());
    private CountingInstaller installer;
    private FolderWatcher watcher;

    @After
    public void deactivate() {
        if (watcher != null) {
            watcher.deactivate();
        }
    }

    /**
     * The folder uninstalls the plugin of a jar deleted from it and, in the same pass, judges the
     * jars it refused once more (the plugin that left may have been what they clashed with). The
     * framework then reports the bundle uninstalled, as it reports any: that is the same plugin
     * leaving, not one more, so the refused jars are not judged (read, checked, handed to the
     * installer and refused) a second time.
     */
    @Test
    public void aJarDeletedFromTheFolderHasTheRefusedJarsJudgedOnceMore() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        Path other = TestJars.write(dir.resolve("other.jar"), TestJars.plugin("io.example.other", "1.0.0"));
        activate();
        drop("dup.jar", TestJars.plugin("io.example.a", "1.0.0"));
        await(() -> installer.installs("dup.jar") == 1 && warnings("Cannot install dup.jar") == 1);
        long otherId = bundle("other.jar").getBundleId();
        UninstalledEvents events = new UninstalledEvents();

        Files.delete(other);

        events.await(otherId);
        assertTrue(watcher.awaitQueuedWork(10_000));
        assertEquals("judged once more for the plugin that left, however the folder heard of it", 2,
                installer.installs("dup.jar"));
        assertEquals(1, warnings("Cannot install dup.jar"));
        assertEquals(Optional.empty(), bundleAt("dup.jar"));
    }

    /** A bundle uninstalled past the folder (plugin:uninstall, the shell's uninstall) still has the refused jars judged again. */
    @Test
    public void aBundleUninstalledElsewhereHasTheRefusedJarsJudgedAgain() throws Exception {
        TestJars.write(dir.resolve("a.jar"), TestJars.plugin("io.example.a", "1.0.0"));
        activate();
        drop("dup.jar", TestJars.plugin("io.example.a", "1.0.0"));
        await(() -> warnings("Cannot install dup.jar") == 1);

        installer.uninstall(bundle("a.jar"));

        await(() -> bundleAt("dup.jar").map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        assertEquals(2, installer.installs("dup.jar"));
    }

    /**
     * A jar refused for declaring the plugin name and version another bundle has is taken once
     * that bundle's update moves it to another version: its old version left, as if it had been
     * uninstalled. Updated from the folder or by command alike.
     */
    @Test
    public void anUpdateThatMovesTheFirstToAnotherVersionLetsTheRefusedJarIn() throws Exception {
        TestJars.write(dir.resolve("zh.jar"), TestJars.pluginNamed("io.example.zh", "1.0.0", "greeter.zh"));
        TestJars.write(dir.resolve("zh-b.jar"), TestJars.pluginNamed("io.example.zh-b", "1.0.0", "greeter.zh-b"));
        activate();
        drop("other.jar", TestJars.pluginNamed("io.example.other", "1.0.0", "greeter.zh"));
        drop("other-b.jar", TestJars.pluginNamed("io.example.other-b", "1.0.0", "greeter.zh-b"));
        await(() -> warnings("Cannot install other.jar") == 1 && warnings("Cannot install other-b.jar") == 1);

        drop("zh.jar", TestJars.pluginNamed("io.example.zh", "2.0.0", "greeter.zh"));

        await(() -> bundleAt("other.jar").map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        assertEquals("2.0.0", bundle("zh.jar").getVersion().toString());

        // plugin:update from a jar outside the folder.
        Path zhB2 = TestJars.write(temp.getRoot().toPath().resolve("zh-b-2.jar"),
                TestJars.pluginNamed("io.example.zh-b", "2.0.0", "greeter.zh-b"));
        installer.update(bundle("zh-b.jar"), zhB2.toString());

        await(() -> bundleAt("other-b.jar").map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
    }

    /**
     * Deactivation stops the handlers' thread too, as it stops the folder's worker: an install
     * under way (a go-plugin start waits for its plugin) is given a bounded time, then
     * interrupted and waited for again, boundedly, so the thread has ended when deactivate returns.
     */
    @Test
    public void deactivateInterruptsAnInstallThatOutlastsItsTimeAndWaitsForTheHandlersThread() throws Exception {
        SlowHandler slow = new SlowHandler();
        handlers.add(new FileHandler(".slow", slow, 41, 0, 7, "io.example.slow 1.0.0"));
        Files.writeString(dir.resolve("a.slow"), "a\n");
        activate();
        assertTrue("the install began", slow.began.await(20, TimeUnit.SECONDS));

        long start = System.nanoTime();
        watcher.deactivate();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<String> left = threads("plugboard-folder-handlers");
        watcher = null;

        assertEquals("no handlers' thread outlives deactivate", List.of(), left);
        assertTrue("interrupted", slow.interrupted);
        assertTrue("bounded: " + took + " ms", took < 15_000);
    }

    /**
     * Once deactivation began, the files queued behind the installs under way (the handlers'
     * threads are all busy) are not handed to the handler.
     */
    @Test
    public void deactivateHandsNoQueuedFileOverOnceItBegan() throws Exception {
        SlowHandler slow = new SlowHandler();
        handlers.add(new FileHandler(".slow", slow, 41, 0, 7, "io.example.slow 1.0.0"));
        for (int i = 0; i <= FolderWatcher.HANDLER_THREADS; i++) {
            Files.writeString(dir.resolve(i + ".slow"), i + "\n");
        }
        activate();
        await(() -> slow.installs.size() == FolderWatcher.HANDLER_THREADS);
        Thread stopping = new Thread(watcher::deactivate, "test-deactivate");
        stopping.start();
        // The folder's worker has stopped: deactivation is under way, the handlers' threads are next.
        await(() -> threads("plugboard-folder-worker").isEmpty());

        slow.release.countDown();
        stopping.join(20_000);
        watcher = null;

        assertEquals("the file queued behind is not handed over: " + slow.installs, FolderWatcher.HANDLER_THREADS,
                slow.installs.size());
        assertFalse(slow.interrupted);
        assertEquals(List.of(), threads("plugboard-folder-handlers"));
    }

    /** plugboard.watch.handler.threads bounds how many handler files are worked on at once; the others queue. */
    @Test
    public void theHandlerThreadsPropertyBoundsTheFilesWorkedOnAtOnce() throws Exception {
        properties.put(FolderWatcher.HANDLER_THREADS_PROPERTY, "2");
        felix.restart();
        SlowHandler slow = new SlowHandler();
        handlers.add(new FileHandler(".slow", slow, 41, 0, 7, "io.example.slow 1.0.0"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve(i + ".slow"), i + "\n");
        }
        activate();
        await(() -> slow.installs.size() >= 2);
        // The worker has handed every file over (the handlers' threads stay busy, hence false).
        assertFalse(watcher.awaitQueuedWork(1_000));

        assertEquals("the third file waits for a thread: " + slow.installs, 2, slow.installs.size());
        assertEquals(2, threads("plugboard-folder-handlers").size());
        slow.release.countDown();
        await(() -> slow.installs.size() == 3);
    }

    @Test
    public void aHandlerThreadsPropertyThatIsNoNumberOfThreadsIsReported() throws Exception {
        properties.put(FolderWatcher.HANDLER_THREADS_PROPERTY, "0");
        felix.restart();
        activate();

        assertTrue(log.lines().toString(), log.lines().contains("warn: plugboard.watch.handler.threads is '0', not a"
                + " number of threads (1 or more); using 4"));
    }

    private void activate() {
        installer = new CountingInstaller(new PluginInstallerImpl(felix.hostContext(), log.logger()));
        watcher = new FolderWatcher(felix.hostContext(), installer, handlers, log.logger(), new RecordingLedger());
    }

    /** Writes the jar under a name the folder ignores, then renames it into place, as a deployment would. */
    private Path drop(String name, byte[] content) throws Exception {
        Path part = TestJars.write(dir.resolve("." + name + ".part"), content);
        return Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private Bundle bundle(String file) {
        return bundleAt(file).orElseThrow(() -> new AssertionError("no bundle installed from " + file));
    }

    private Optional<Bundle> bundleAt(String file) {
        return Optional.ofNullable(felix.hostContext().getBundle(PluginSource.locationOf(dir.resolve(file))));
    }

    private long warnings(String start) {
        return log.lines("warn").stream().filter(line -> line.startsWith("warn: " + start)).count();
    }

    private static List<String> threads(String name) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(name)) {
                names.add(thread.getName());
            }
        }
        return names;
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

    /**
     * Bundles uninstalled, as an asynchronous listener of the host hears them: added after the
     * watcher's own, it hears each event after the watcher did.
     */
    private final class UninstalledEvents implements BundleListener {

        private final Map<Long, CountDownLatch> seen = new ConcurrentHashMap<>();

        UninstalledEvents() {
            felix.hostContext().addBundleListener(this);
        }

        @Override
        public void bundleChanged(BundleEvent event) {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                latch(event.getBundle().getBundleId()).countDown();
            }
        }

        void await(long bundleId) throws InterruptedException {
            assertTrue("bundle " + bundleId + " uninstalled", latch(bundleId).await(20, TimeUnit.SECONDS));
        }

        private CountDownLatch latch(long bundleId) {
            return seen.computeIfAbsent(bundleId, id -> new CountDownLatch(1));
        }
    }

    /** The real installer, counting how often each jar was handed to it to install. */
    private static final class CountingInstaller implements PluginInstaller {

        private final PluginInstallerImpl real;
        private final Map<String, Integer> installs = new ConcurrentHashMap<>();

        CountingInstaller(PluginInstallerImpl real) {
            this.real = real;
        }

        int installs(String fileName) {
            return installs.getOrDefault(fileName, 0);
        }

        @Override
        public Bundle install(String pathOrUrl) {
            count(pathOrUrl);
            return real.install(pathOrUrl);
        }

        @Override
        public List<Bundle> installAll(List<String> pathsOrUrls, BiConsumer<String, PluginInstallException> onFailure) {
            pathsOrUrls.forEach(this::count);
            return real.installAll(pathsOrUrls, onFailure);
        }

        private void count(String path) {
            installs.merge(Path.of(path).getFileName().toString(), 1, Integer::sum);
        }

        @Override
        public Bundle update(Bundle bundle, String pathOrUrl) {
            return real.update(bundle, pathOrUrl);
        }

        @Override
        public void uninstall(Bundle bundle) {
            real.uninstall(bundle);
        }

        @Override
        public void uninstallLeft(Bundle bundle) {
            real.uninstallLeft(bundle);
        }

        @Override
        public void moved(Bundle bundle, Path file) {
            real.moved(bundle, file);
        }

        @Override
        public Optional<Path> movedFile(Bundle bundle) {
            return real.movedFile(bundle);
        }

        @Override
        public Optional<Bundle> movedBundle(Path file) {
            return real.movedBundle(file);
        }

        @Override
        public void removingOnPurpose(Collection<String> pluginNames, long bundleId) {
            real.removingOnPurpose(pluginNames, bundleId);
        }

        @Override
        public boolean hasContentOf(Bundle bundle, Path file) {
            return real.hasContentOf(bundle, file);
        }

        @Override
        public boolean knowsContentOf(Bundle bundle) {
            return real.knowsContentOf(bundle);
        }

        @Override
        public void startWaiting() {
            real.startWaiting();
        }

        @Override
        public List<Bundle> pluginBundles() {
            return real.pluginBundles();
        }

        @Override
        public boolean isPlugin(Bundle bundle) {
            return real.isPlugin(bundle);
        }

        @Override
        public Optional<String> whyNotActive(Bundle bundle) {
            return real.whyNotActive(bundle);
        }
    }

    /**
     * A handler whose install waits until it is released or interrupted, as a go-plugin start
     * waits for its plugin; interrupted, it takes a moment to end, as that start stops the
     * process it began.
     */
    private static final class SlowHandler implements PluginFileHandler {

        final List<String> installs = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch began = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean interrupted;

        @Override
        public long check(Path file) {
            return 1;
        }

        @Override
        public void install(Path file) throws PluginFileException {
            installs.add(file.getFileName().toString());
            began.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
                // Cleaning up after the interrupted start, uninterrupted.
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(left);
                    } catch (InterruptedException again) {
                        // Still cleaning up.
                    }
                }
                Thread.currentThread().interrupt();
                throw new PluginFileException("interrupted while starting " + file.getFileName(), e);
            }
        }

        @Override
        public void uninstall(Path file) {
        }

        @Override
        public List<PluginFile> installed() {
            return List.of();
        }

        @Override
        public Map<String, String> describe(String pluginName) {
            return Map.of();
        }
    }
}
