package io.plugboard.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/** The four example plugins, installed at start and called through the registry. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExamplePluginsIT extends PluginRuntimeTestSupport {

    /** greeter.zh's "Hello, Bob!": full-width comma and exclamation mark, escaped to keep the source ASCII. */
    private static final String CHINESE_HELLO_BOB = "\u4f60\u597d\uff0cBob\uff01";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                projectBundle("kv-memory"),
                projectBundle("kv-file"),
                projectBundle("greeter-en"),
                projectBundle("greeter-zh"));
    }

    @Test
    public void registryListsEveryExamplePlugin() {
        Set<String> plugins = registry.plugins().stream()
                .map(p -> p.type() + "/" + p.name())
                .collect(Collectors.toSet());
        assertEquals(Set.of("kv/kv.memory", "kv/kv.file", "greeter/greeter.en", "greeter/greeter.zh"), plugins);
        assertEquals(1, registry.plugins(KeyValueStore.TYPE).stream().filter(PluginInfo::active).count());
        assertEquals(1, registry.plugins(Greeter.TYPE).stream().filter(PluginInfo::active).count());
    }

    @Test
    public void pluginListShowsEveryExamplePlugin() {
        String list = execute("plugin:list").assertSucceeded();
        for (String name : List.of("kv.memory", "kv.file", "greeter.en", "greeter.zh")) {
            assertTrue("plugin:list should show " + name + ":\n" + list, list.contains(name));
        }
    }

    @Test
    public void kvMemoryPutsGetsDeletesAndListsKeys() {
        exerciseStore("kv.memory");
    }

    @Test
    public void kvFileDoesTheSameAndKeepsItsFilesInTheDataFolder() throws IOException {
        exerciseStore("kv.file");
        Path kvFileDir = dataDir().resolve("kv-file");
        try (Stream<Path> files = Files.walk(kvFileDir)) {
            assertTrue("kv.file should keep its data under " + kvFileDir,
                    files.anyMatch(Files::isRegularFile));
        }
    }

    @Test
    public void greeterEnGreetsInEnglish() {
        registry.select(Greeter.TYPE, "greeter.en");
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
    }

    @Test
    public void greeterZhGreetsInChinese() {
        registry.select(Greeter.TYPE, "greeter.zh");
        assertEquals(CHINESE_HELLO_BOB, activeGreeting("Bob"));
    }

    @Test
    public void kvCommandsCallTheActiveStore() {
        execute("plugin:use kv kv.memory").assertSucceeded();
        execute("plugin:kv put gogo.key 'a value from gogo'").assertSucceeded();
        assertEquals("a value from gogo", execute("plugin:kv get gogo.key").assertSucceeded().strip());
        assertArrayEquals("a value from gogo".getBytes(UTF_8), activeStore().get("gogo.key").orElseThrow());
        assertTrue(execute("plugin:kv keys").assertSucceeded().lines().anyMatch("gogo.key"::equals));
        execute("plugin:kv del gogo.key").assertSucceeded();
        assertTrue(activeStore().get("gogo.key").isEmpty());
        assertTrue(execute("plugin:kv get gogo.key").assertSucceeded().contains("no value"));
    }

    @Test
    public void greetCommandCallsTheActiveGreeter() {
        execute("plugin:use greeter greeter.zh").assertSucceeded();
        assertEquals(CHINESE_HELLO_BOB, execute("plugin:greet Bob").assertSucceeded().strip());
        execute("plugin:use greeter greeter.en").assertSucceeded();
        assertEquals(HELLO_BOB, execute("plugin:greet Bob").assertSucceeded().strip());
    }

    /** Puts, reads, lists and deletes through the registry's active store, after selecting it. */
    private void exerciseStore(String name) {
        registry.select(KeyValueStore.TYPE, name);
        assertEquals(name, registry.active(KeyValueStore.TYPE).orElseThrow().name());
        KeyValueStore store = activeStore();

        // Keys with '/', spaces and non-ASCII letters are legal and must survive a round trip.
        String first = name + "/a key/\u043a\u043b\u044e\u0447";
        String second = name + "/empty";
        byte[] value = ("value in " + name + " \u00e9\u4f60").getBytes(UTF_8);
        store.put(first, value);
        store.put(second, new byte[0]);
        value[0] = 'X'; // the store keeps its own copy

        assertArrayEquals(("value in " + name + " \u00e9\u4f60").getBytes(UTF_8), store.get(first).orElseThrow());
        assertArrayEquals(new byte[0], store.get(second).orElseThrow());
        List<String> keys = store.keys();
        assertTrue(keys.toString(), keys.containsAll(List.of(first, second)));
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals("keys() is in ascending order", sorted, keys);

        assertTrue(store.delete(first));
        assertFalse("a second delete finds nothing", store.delete(first));
        assertTrue(store.get(first).isEmpty());
        assertFalse(store.keys().contains(first));
        assertTrue(store.get(name + "/never written").isEmpty());
    }
}
