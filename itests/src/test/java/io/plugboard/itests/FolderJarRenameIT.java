package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
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

/**
 * kv.memory's jar renamed in the watched folder ({@code mv}), or deleted and copied back a moment
 * later ({@code rm}, then {@code cp}), under a write load with {@code plugin:use kv kv.memory}:
 * no acknowledged put may be lost, no call may fail, and kv.file, installed throughout, must
 * never receive a key. A rename keeps the bundle itself running; a jar put back is a new bundle
 * that receives the state the old one handed over.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FolderJarRenameIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY = "kv.memory";
    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";
    /** Calls made before and after each change, so it happens under load. */
    private static final int CALLS = 2_000;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                // Generous for a loaded machine: calls wait through the rm..cp gap, and must not time out.
                frameworkProperty("plugboard.call.timeout.ms").value("15000"),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                // The folder's and the ledger's lines are INFO; OSGi Log drops INFO by default.
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"),
                projectBundle("kv-file"));
    }

    @Test
    public void aRenamedJarKeepsItsBundleItsEntriesAndItsCallers() throws Exception {
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad()) {
            Bundle bundle = kvMemoryBundles().get(0);

            Files.move(folder().resolve("kv-memory.jar"), folder().resolve("kv-mem2.jar"));
            awaitLogLine("kv-memory.jar was renamed to kv-mem2.jar in the plugins folder: its plugin runs on as it is");
            load.awaitMoreCalls(CALLS);
            // And back: the same bundle again.
            Files.move(folder().resolve("kv-mem2.jar"), folder().resolve("kv-memory.jar"));
            awaitLogLine("kv-mem2.jar was renamed to kv-memory.jar in the plugins folder: its plugin runs on as it is");
            load.awaitMoreCalls(CALLS);

            load.assertNoFailedCall();
            assertEquals("the same bundle serves", List.of(bundle), kvMemoryBundles());
            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertEveryAcknowledgedPutIsInKvMemory(load);
            assertTrue(logFileLines().stream().noneMatch(line -> line.contains("Uninstalled plugin " + KV_MEMORY_BUNDLE)));
        } finally {
            emptyTheFolder();
        }
    }

    @Test
    public void aJarDeletedAndCopiedBackAMomentLaterKeepsItsEntriesAndNoWriteGoesElsewhere() throws Exception {
        Path saved = newWorkDir("saved").resolve("kv-memory.jar");
        try (WriteLoad load = startKvMemoryFromFolderUnderLoad()) {
            Bundle old = kvMemoryBundles().get(0);
            Files.copy(folder().resolve("kv-memory.jar"), saved);

            Files.delete(folder().resolve("kv-memory.jar"));
            waitFor("kv-memory's bundle to be uninstalled", () -> old.getState() == Bundle.UNINSTALLED);
            // The gap a person leaves between rm and cp: the writers wait for kv.memory meanwhile.
            pause(1_000);
            Files.copy(saved, folder().resolve("kv-memory.jar"));
            waitFor("kv.memory back from the folder", () -> kvMemoryBundles().size() == 1
                    && kvMemoryBundles().get(0).getState() == Bundle.ACTIVE
                    && registry.active("kv").map(p -> p.name().equals(KV_MEMORY)).orElse(false));
            load.awaitMoreCalls(CALLS);

            load.assertNoFailedCall();
            Bundle back = kvMemoryBundles().get(0);
            assertNotEquals("a new bundle", old.getBundleId(), back.getBundleId());
            assertEveryAcknowledgedPutIsInKvMemory(load);
            String info = execute("plugin:info " + back.getBundleId()).assertSucceeded();
            assertTrue(info, info.contains("\n  taken over: kv.memory took over the state of kv.memory "));
            assertTrue(info, info.contains("(bundle " + old.getBundleId() + ", "));
            assertTrue(info, info.contains(" bytes) after its jar was put back in the plugins folder at "));
        } finally {
            emptyTheFolder();
        }
    }

    /** Drops kv-memory into the watched folder, selects it and starts four writers on the kv stand-in. */
    private WriteLoad startKvMemoryFromFolderUnderLoad() throws IOException {
        Path part = folder().resolve(".kv-memory.jar.part");
        Files.copy(projectJar("kv-memory"), part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, folder().resolve("kv-memory.jar"), StandardCopyOption.ATOMIC_MOVE);
        waitFor("kv.memory from the folder", () -> registry.plugins(KeyValueStore.TYPE).stream()
                .anyMatch(p -> p.name().equals(KV_MEMORY)));
        // kv.file stays installed: were a call to go elsewhere in a gap, it would get a key.
        execute("plugin:use kv " + KV_MEMORY).assertSucceeded();
        WriteLoad load = WriteLoad.start(registry.service(KeyValueStore.TYPE, KeyValueStore.class), 4, 0);
        load.awaitMoreCalls(CALLS);
        return load;
    }

    /** The folder is shared by the frameworks of this class: leave it empty for the next test. */
    private void emptyTheFolder() throws IOException {
        try (var files = Files.list(folder())) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        waitFor("the host to uninstall kv-memory", () -> kvMemoryBundles().isEmpty());
    }

    private Path folder() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    private void awaitLogLine(String text) {
        waitFor("plugboard.log to contain '" + text + "'",
                () -> logFileLines().stream().anyMatch(line -> line.contains(text)));
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

    private List<Bundle> kvMemoryBundles() {
        return List.of(bundleContext.getBundles()).stream()
                .filter(b -> KV_MEMORY_BUNDLE.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED)
                .toList();
    }

    /** The plugin's instance itself, not the stand-in, so the check reads where the data is. */
    private KeyValueStore instance(String pluginName) throws InvalidSyntaxException {
        ServiceReference<KeyValueStore> reference = bundleContext
                .getServiceReferences(KeyValueStore.class, "(plugin.name=" + pluginName + ")").iterator().next();
        return bundleContext.getService(reference);
    }
}
