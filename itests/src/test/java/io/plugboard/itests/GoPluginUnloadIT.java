package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * True unload for the goplugin bundle itself: after it ran a real kv-go plugin (gRPC and Netty,
 * the epoll event loop, the reserve channel's thread, the plugboard-spawner and its reader), an
 * uninstall and a refresh let its class loader go, and leave none of its threads and neither
 * process behind. The embedded libraries keep thread-locals and caches of their own (Netty's
 * FastThreadLocal, gRPC's Context), which must not outlive the bundle. The same holds for an
 * update and a refresh, after which the new bundle runs kv-go again from the watched folder.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class GoPluginUnloadIT extends PluginRuntimeTestSupport {

    private static final String GOPLUGIN_BUNDLE = "io.plugboard.goplugin";
    private static final String KV_GO = "kv.go";

    /** Long enough for a loaded machine to start or stop a plugin process. */
    private static final long PROCESS_WAIT_MILLIS = 15_000;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                goPluginConfiguration(),
                projectBundle("kv-memory"));
    }

    @Test
    public void uninstallingTheGopluginBundleAfterItRanKvGoLetsItsClassLoaderGo() throws Exception {
        runKvGo();
        Path kvGo = goProgram("kv-go");
        assertEquals("one kv-go process runs", 1, processesOf(kvGo).size());
        assertEquals("kv-go was started through the plugboard-spawner", 1, spawners().size());
        Bundle goplugin = bundleNamed(GOPLUGIN_BUNDLE).orElseThrow();
        WeakReference<ClassLoader> loader = Unloading.currentLoader(goplugin);
        WeakReference<Class<?>> storeClass = kvGoStoreClass();

        goplugin.uninstall();
        refresh(goplugin);
        goplugin = null;

        waitFor("kv.go to be unregistered", () -> !kvNames().contains(KV_GO));
        waitFor("no kv-go process to be left", PROCESS_WAIT_MILLIS, () -> processesOf(kvGo).isEmpty());
        waitFor("no plugboard-spawner process to be left", PROCESS_WAIT_MILLIS, () -> spawners().isEmpty());
        waitFor("no thread of the goplugin bundle to be left", () -> gopluginThreads().isEmpty());
        // kv.go, selected, went with the bundle that runs it, not through plugin:uninstall or the
        // plugins folder: kv waits for it rather than hand its writes to another store...
        assertEquals("kv waits for kv.go", "none", registry.active(KeyValueStore.TYPE).map(PluginInfo::name).orElse("none"));
        // ...until another is selected.
        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("kv.memory serves again", "kv.memory",
                registry.active(KeyValueStore.TYPE).map(PluginInfo::name).orElse("none"));

        if (Unloading.collectUntilAtMost(List.of(loader, storeClass), 0) > 0) {
            fail("the goplugin bundle's class loader should be garbage-collected after uninstall and refresh,"
                    + " but something still holds it; " + Unloading.heapDump(newWorkDir("heap").resolve("pinned.hprof")));
        }
    }

    @Test
    public void updatingTheGopluginBundleLetsTheOldClassLoaderGoAndKvGoServesFromTheNewOne() throws Exception {
        runKvGo();
        Path kvGo = goProgram("kv-go");
        List<ProcessHandle> before = processesOf(kvGo);
        assertEquals("one kv-go process runs", 1, before.size());
        Bundle goplugin = bundleNamed(GOPLUGIN_BUNDLE).orElseThrow();
        WeakReference<ClassLoader> loader = Unloading.currentLoader(goplugin);
        WeakReference<Class<?>> storeClass = kvGoStoreClass();

        goplugin.update();
        refresh(goplugin);

        // The new bundle's handler takes the descriptor from the watched folder and starts kv-go anew.
        waitFor("the old kv-go process to end", PROCESS_WAIT_MILLIS, () -> !before.get(0).isAlive());
        waitFor("kv.go to serve again", PROCESS_WAIT_MILLIS, () -> kvNames().contains(KV_GO)
                && processesOf(kvGo).size() == 1);
        assertEquals("the value kv-go wrote to its files is read through the new bundle", "through gRPC",
                execute("plugin:kv get unload").assertSucceeded());
        waitFor("one plugboard-spawner to be left", PROCESS_WAIT_MILLIS, () -> spawners().size() == 1);
        assertTrue("kv.go's service comes from the new class loader",
                kvGoStoreClass().get() != storeClass.get());
        assertTrue("the new bundle has its own class loader", Unloading.currentLoader(goplugin).get() != loader.get());
        goplugin = null;

        if (Unloading.collectUntilAtMost(List.of(loader, storeClass), 0) > 0) {
            fail("the goplugin bundle's old class loader should be garbage-collected after update and refresh,"
                    + " but something still holds it; " + Unloading.heapDump(newWorkDir("heap").resolve("pinned.hprof")));
        }
    }

    /**
     * Starts kv-go from a descriptor, selects it, and stores and reads a value through the
     * registry: every call crosses gRPC, Netty's event loop and the socket to the process.
     */
    private void runKvGo() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", KV_GO);
        keys.put("type", "kv");
        keys.put("version", "1.0.0");
        keys.put("command", goProgram("kv-go").toString());
        keys.put("cookie", KV_GO_COOKIE);
        writeDescriptor(Path.of(bundleContext.getProperty(PLUGINS_DIR)).resolve("kv-go.goplugin"), keys);
        waitFor("kv.go to serve", PROCESS_WAIT_MILLIS, () -> kvNames().contains(KV_GO));
        execute("plugin:use kv kv.go").assertSucceeded();
        byte[] value = "through gRPC".getBytes(StandardCharsets.UTF_8);
        activeStore().put("unload", value);
        assertArrayEquals(value, activeStore().get("unload").orElseThrow());
        assertEquals("through gRPC", execute("plugin:kv get unload").assertSucceeded());
        // The reserve channel is made after a start, on its own thread: wait until it has been.
        waitFor("the reserve channel's thread", () -> gopluginThreads().stream()
                .anyMatch(name -> name.startsWith("plugboard-goplugin-reserve")));
    }

    /** A weak reference to the class of kv.go's own service object, in a method of its own. */
    private WeakReference<Class<?>> kvGoStoreClass() throws InvalidSyntaxException {
        Collection<ServiceReference<KeyValueStore>> refs = bundleContext.getServiceReferences(KeyValueStore.class,
                "(plugin.name=" + KV_GO + ")");
        assertEquals("kv.go's service", 1, refs.size());
        ServiceReference<KeyValueStore> reference = refs.iterator().next();
        try {
            return Unloading.classOf(bundleContext.getService(reference));
        } finally {
            bundleContext.ungetService(reference);
        }
    }

    /** Refreshes the framework's wiring of the bundle and waits until the refresh is done. */
    private void refresh(Bundle bundle) throws InterruptedException {
        FrameworkWiring wiring = bundleContext.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch refreshed = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("the refresh ended", refreshed.await(30, TimeUnit.SECONDS));
    }

    /** Names of the live threads the goplugin bundle starts: its own and its spawner's reader. */
    private static List<String> gopluginThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("plugboard-goplugin") || name.startsWith("goplugin spawner"))
                .sorted().toList();
    }

    /** The plugboard-spawner processes under this JVM still running. */
    private static List<ProcessHandle> spawners() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals("plugboard-spawner"))
                        .orElse(false))
                .filter(p -> processRuns(p.pid()))
                .toList();
    }

    private List<String> kvNames() {
        return registry.plugins(KeyValueStore.TYPE).stream().map(PluginInfo::name).sorted().toList();
    }
}
