package io.plugboard.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.kv.KeyValueStore;

/** Switching the active kv store between kv.memory and kv.file with plugin:use. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginSelectionIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"), projectBundle("kv-file"));
    }

    @Test
    public void useSwitchesTheStoreThatServesCalls() throws IOException {
        execute("plugin:use kv kv.file").assertSucceeded();
        assertEquals("kv.file", registry.active(KeyValueStore.TYPE).orElseThrow().name());
        assertEquals(Optional.of("kv.file"), registry.selection(KeyValueStore.TYPE));

        Path kvFileDir = dataDir().resolve("kv-file");
        Map<Path, String> before = snapshot(kvFileDir);
        byte[] value = "written through plugin:use kv kv.file".getBytes(UTF_8);
        activeStore().put("selected", value);
        assertNotEquals("the put should land in " + kvFileDir, before, snapshot(kvFileDir));
        assertArrayEquals(value, activeStore().get("selected").orElseThrow());

        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("kv.memory", registry.active(KeyValueStore.TYPE).orElseThrow().name());
        assertTrue("kv.memory is a different store: it never saw the key",
                activeStore().get("selected").isEmpty());

        execute("plugin:use kv kv.file").assertSucceeded();
        assertArrayEquals("kv.file still has it", value, activeStore().get("selected").orElseThrow());
        execute("plugin:use kv kv.memory").assertSucceeded();
    }

    @Test
    public void useOfAnUnknownNameNamesThePluginsThatExist() {
        String before = registry.active(KeyValueStore.TYPE).orElseThrow().name();

        execute("plugin:use kv nope").assertClearError("nope", "kv.file", "kv.memory");

        assertEquals("a failed use changes nothing", before, registry.active(KeyValueStore.TYPE).orElseThrow().name());
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> registry.select(KeyValueStore.TYPE, "nope"));
        assertTrue(thrown.getMessage(), thrown.getMessage().contains("kv.file")
                && thrown.getMessage().contains("kv.memory"));
    }

    /** Maps every file under the folder to its size and content hash; empty if there is no folder. */
    private static Map<Path, String> snapshot(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(f -> f, f -> {
                try {
                    byte[] bytes = Files.readAllBytes(f);
                    return bytes.length + ":" + Arrays.hashCode(bytes);
                } catch (IOException e) {
                    return "unreadable: " + e;
                }
            }));
        }
    }

    /**
     * Configuration Admin reports each stored selection later, on its own thread; a late report
     * of an earlier plugin:use must not bring that earlier choice back.
     */
    @Test
    public void quickSwitchesEndOnTheLastChoice() throws InterruptedException {
        for (int round = 0; round < 40; round++) {
            String chosen = round % 2 == 0 ? "kv.file" : "kv.memory";
            execute("plugin:use kv " + chosen).assertSucceeded();
            assertEquals("right after plugin:use, round " + round, chosen,
                    registry.active(KeyValueStore.TYPE).orElseThrow().name());
        }
        // Let every pending configuration event arrive; the last choice (kv.memory) must hold.
        for (int check = 0; check < 20; check++) {
            Thread.sleep(25);
            assertEquals("after the configuration events, check " + check, "kv.memory",
                    registry.active(KeyValueStore.TYPE).orElseThrow().name());
        }
    }
}
