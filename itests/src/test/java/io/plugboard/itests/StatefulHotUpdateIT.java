package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.Ignore;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * The stateful hot update under load: threads write (and read) through
 * {@code registry.service("kv", ...)} while kv.memory is updated six times, both ways the host
 * updates a bundle: a jar replaced in the watched folder, then five {@code plugin:update}s
 * alternating between kv-memory and kv-memory-v2 (2.0.0). No call may fail, no acknowledged put
 * may be lost, and kv.file, installed throughout, must never receive a key (a fail-over during an
 * update would send writes there).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class StatefulHotUpdateIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY = "kv.memory";
    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";
    /** Calls made between two updates, so each update happens under load. */
    private static final int CALLS = 2_000;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                // Generous for a loaded machine: a broken handover fails the call, a slow one only waits.
                frameworkProperty("plugboard.call.timeout.ms").value("15000"),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                projectBundle("kv-file"));
    }

    @Test
    public void writersLoseNoAcknowledgedPutAcrossSixUpdates() throws Exception {
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad(4, 0)) {
            sixUpdates(load);
            assertEveryAcknowledgedPutIsInKvMemory(load);
        } finally {
            emptyTheFolder();
        }
    }

    @Test
    public void readersFindEveryPutAcknowledgedBeforeTheirGetAcrossSixUpdates() throws Exception {
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad(2, 2)) {
            sixUpdates(load);
            assertEveryAcknowledgedPutIsInKvMemory(load);
        } finally {
            emptyTheFolder();
        }
    }

    /**
     * Blue/green for a stateful plugin: the new version starts beside the old one, takes over as
     * the newest, then the old one is uninstalled. Fails today: the new version starts with the
     * state the bundle handed over at its last stop (if any), not with what the running old
     * version holds, and the old version's entries are discarded with it at its uninstall.
     */
    @Ignore("known gap: no live state handover between side-by-side versions (docs/architecture.md, Side by side)")
    @Test
    public void blueGreenLosesNoAcknowledgedPut() throws Exception {
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad(2, 2)) {
            Bundle blue = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
            execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
            waitForKvMemory("2.0.0");
            load.awaitMoreCalls(CALLS);
            execute("plugin:uninstall " + blue.getBundleId()).assertSucceeded();
            load.awaitMoreCalls(CALLS);

            load.assertNoFailedCall();
            assertEquals(KV_MEMORY + " 2.0.0", describeActive());
            assertEquals("one kv-memory bundle is left", 1, kvMemoryBundles().size());
            assertEveryAcknowledgedPutIsInKvMemory(load);
        } finally {
            emptyTheFolder();
        }
    }

    /**
     * Updates kv.memory six times under the load: by replacing its jar in the watched folder
     * (to 2.0.0), then by five {@code plugin:update}s alternating back and forth, ending on
     * kv-memory's own version; then stops the load and checks that no call failed.
     */
    private void sixUpdates(WriteLoad load) throws IOException {
        // kv-memory's own version (the build's), which 2.0.0 is newer than.
        String version1 = kvMemoryVersion();

        // 1: the watched folder. The host updates the bundle installed from this file.
        drop(projectJar("kv-memory-v2"), folderJar());
        waitForKvMemory("2.0.0");
        load.awaitMoreCalls(CALLS);

        // 2-6: plugin:update, down and up again.
        List<String> fixtures = List.of("kv-memory", "kv-memory-v2", "kv-memory", "kv-memory-v2", "kv-memory");
        for (String fixture : fixtures) {
            execute("plugin:update " + KV_MEMORY + " " + projectJar(fixture)).assertSucceeded();
            waitForKvMemory(fixture.endsWith("v2") ? "2.0.0" : version1);
            load.awaitMoreCalls(CALLS);
        }

        load.assertNoFailedCall();
        assertEquals(KV_MEMORY + " " + version1, describeActive());
        assertEquals("one kv-memory bundle", 1, kvMemoryBundles().size());
    }

    /** Drops kv-memory into the watched folder, selects it and starts the load on the kv stand-in. */
    private WriteLoad startKvMemoryFromFolderUnderLoad(int writers, int readers) throws IOException {
        drop(projectJar("kv-memory"), folderJar());
        waitFor("kv.memory from the folder", () -> registry.plugins(KeyValueStore.TYPE).stream()
                .anyMatch(p -> p.name().equals(KV_MEMORY)));
        // kv.file stays installed: were a call to fail over during an update, it would get a key.
        execute("plugin:use kv " + KV_MEMORY).assertSucceeded();
        WriteLoad load = WriteLoad.start(registry.service(KeyValueStore.TYPE, KeyValueStore.class), writers, readers);
        load.awaitMoreCalls(CALLS);
        return load;
    }

    /** The folder is shared by the frameworks of this class: leave it empty for the next test. */
    private void emptyTheFolder() throws IOException {
        if (Files.deleteIfExists(folderJar())) {
            String location = folderJar().toAbsolutePath().normalize().toUri().toString();
            waitFor("the host to uninstall kv-memory.jar", () -> kvMemoryBundles().stream()
                    .noneMatch(b -> b.getLocation().equals(location)));
        }
    }

    private Path folderJar() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR)).resolve("kv-memory.jar");
    }

    private void assertEveryAcknowledgedPutIsInKvMemory(WriteLoad load) throws InvalidSyntaxException {
        KeyValueStore kvMemory = instance(KV_MEMORY);
        long acknowledged = 0;
        List<String> lost = new ArrayList<>();
        for (int writer = 0; writer < load.writers(); writer++) {
            for (long n = 0; n < load.acknowledged(writer); n++) {
                acknowledged++;
                Optional<byte[]> stored = kvMemory.get(WriteLoad.key(writer, n));
                if (stored.isEmpty()) {
                    lost.add(WriteLoad.key(writer, n));
                } else {
                    assertArrayEquals(WriteLoad.key(writer, n), WriteLoad.value(writer, n), stored.get());
                }
            }
        }
        assertTrue(lost.size() + " of " + acknowledged + " acknowledged puts are lost, e.g. "
                + lost.subList(0, Math.min(10, lost.size())), lost.isEmpty());
        assertTrue("the writers made progress: " + acknowledged, acknowledged >= CALLS);
        assertEquals("kv.file received no key", List.of(), instance("kv.file").keys());
    }

    private void waitForKvMemory(String version) {
        waitFor("kv.memory " + version + " to serve", () -> describeActive().equals(KV_MEMORY + " " + version));
    }

    private String describeActive() {
        return registry.active(KeyValueStore.TYPE).map(p -> p.name() + " " + p.version()).orElse("none");
    }

    private String kvMemoryVersion() {
        return registry.active(KeyValueStore.TYPE).map(PluginInfo::version).orElseThrow();
    }

    private List<Bundle> kvMemoryBundles() {
        return List.of(bundleContext.getBundles()).stream()
                .filter(b -> KV_MEMORY_BUNDLE.equals(b.getSymbolicName())).toList();
    }

    /** The plugin's instance itself, not the stand-in, so the check reads where the data is. */
    private KeyValueStore instance(String pluginName) throws InvalidSyntaxException {
        ServiceReference<KeyValueStore> reference = bundleContext
                .getServiceReferences(KeyValueStore.class, "(plugin.name=" + pluginName + ")").iterator().next();
        return bundleContext.getService(reference);
    }

    /** Copies the jar under a name the watcher ignores, then renames it atomically into place. */
    private static void drop(Path source, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
