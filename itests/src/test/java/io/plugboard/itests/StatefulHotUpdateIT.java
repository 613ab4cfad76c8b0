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
import java.util.regex.Pattern;

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
 * alternating between kv-memory and kv-memory-v2 (2.0.0); and blue/green, where the versions run
 * side by side and the state moves live at each switch. No call may fail, no acknowledged put
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
     * Blue/green for a stateful plugin, four times over, under four writers and two readers: each
     * cycle installs the other version beside the serving one, switches to it (the first time by
     * "the newest serves" as it registers, then by {@code plugin:use kv kv.memory <version>}), and
     * uninstalls the one that served before; the last cycle also switches back to the old version
     * and forth again before the uninstall, so a version that handed over resumes. The state moves
     * live at each switch: no acknowledged put may be lost, no call may fail, and kv.file must get
     * nothing.
     */
    @Test
    public void blueGreenLosesNoAcknowledgedPut() throws Exception {
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad(4, 2)) {
            String version1 = kvMemoryVersion();

            // 1: 2.0.0 beside the folder's kv-memory; as the newest it takes over when it registers.
            Bundle blue = bundleNamed(KV_MEMORY_BUNDLE).orElseThrow();
            execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
            waitForKvMemory("2.0.0");
            load.awaitMoreCalls(CALLS);
            uninstall(blue, load);

            // 2: back to the first version, pinned by plugin:use (the newest would keep serving).
            Bundle green = bundleOf("2.0.0");
            execute("plugin:install " + projectJar("kv-memory")).assertSucceeded();
            load.awaitMoreCalls(CALLS);
            assertEquals("the newest serves until a switch", KV_MEMORY + " 2.0.0", describeActive());
            execute("plugin:use kv " + KV_MEMORY + " " + version1).assertSucceeded();
            waitForKvMemory(version1);
            load.awaitMoreCalls(CALLS);
            uninstall(green, load);

            // 3: forth to 2.0.0 by plugin:use.
            blue = bundleOf(version1);
            execute("plugin:install " + projectJar("kv-memory-v2")).assertSucceeded();
            load.awaitMoreCalls(CALLS);
            execute("plugin:use kv " + KV_MEMORY + " 2.0.0").assertSucceeded();
            waitForKvMemory("2.0.0");
            load.awaitMoreCalls(CALLS);
            uninstall(blue, load);

            // 4: install, switch to it, back again (2.0.0 resumes), and only then uninstall.
            green = bundleOf("2.0.0");
            execute("plugin:install " + projectJar("kv-memory")).assertSucceeded();
            execute("plugin:use kv " + KV_MEMORY + " " + version1).assertSucceeded();
            waitForKvMemory(version1);
            load.awaitMoreCalls(CALLS);
            execute("plugin:use kv " + KV_MEMORY + " 2.0.0").assertSucceeded();
            waitForKvMemory("2.0.0");
            load.awaitMoreCalls(CALLS);
            Bundle last = bundleOf(version1);
            uninstall(last, load);

            load.assertNoFailedCall();
            assertEquals(KV_MEMORY + " 2.0.0", describeActive());
            assertEquals("one kv-memory bundle is left", List.of(green), kvMemoryBundles());
            assertEveryAcknowledgedPutIsInKvMemory(load);
            // plugin:info says where the serving version's entries came from.
            String info = execute("plugin:info " + green.getBundleId()).assertSucceeded();
            assertTrue(info, info.matches("(?s).*\\n  taken over: kv\\.memory took over the state of kv\\.memory "
                    + Pattern.quote(version1) + " \\(bundle " + last.getBundleId()
                    + ", \\d+ bytes\\) side by side at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d.*"));
        } finally {
            emptyTheFolder();
        }
    }

    /** Uninstalls a kv-memory bundle that no longer serves, under the load, and waits for more calls. */
    private void uninstall(Bundle bundle, WriteLoad load) {
        execute("plugin:uninstall " + bundle.getBundleId()).assertSucceeded();
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        load.awaitMoreCalls(CALLS);
    }

    /** The installed kv-memory bundle of that version. */
    private Bundle bundleOf(String version) {
        return kvMemoryBundles().stream().filter(b -> b.getVersion().toString().equals(version)).findFirst()
                .orElseThrow(() -> new AssertionError("no kv-memory " + version + " among " + kvMemoryBundles()));
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
        // plugin:info says which version the serving one replaced: 2.0.0, by the last update.
        long bundleId = kvMemoryBundles().get(0).getBundleId();
        String info = execute("plugin:info " + bundleId).assertSucceeded();
        assertTrue(info, info.contains("\n  taken over: kv.memory took over the state of kv.memory 2.0.0 (bundle "
                + bundleId + ", "));
        assertTrue(info, info.contains(" bytes) by an update in place at "));
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
