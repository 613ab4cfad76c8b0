package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * A real go-plugin plugin as a Plugboard plugin: {@code kv-go} (built from source against
 * Debian's hashicorp/go-plugin 1.0.1) runs as a child process of this JVM, started from a
 * {@code *.goplugin} descriptor in the watched folder by the goplugin bundle, and serves the
 * {@code kv} type next to the kv.memory and kv.file bundles. Every call crosses the process
 * boundary over gRPC on a Unix socket.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GoPluginKvIT extends PluginRuntimeTestSupport {

    private static final String KV_GO = "kv.go";
    private static final String VERSION = "1.0.0";
    private static final String DESCRIPTOR = "kv-go.goplugin";

    /** Long enough for a loaded machine to start a plugin process or restart one. */
    private static final long PROCESS_WAIT_MILLIS = 15_000;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                // DEBUG: kv-go and go-plugin's Serve log at debug level only ("kv store ready",
                // "plugin address"), and those lines are the ones looked for in plugboard.log.
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("DEBUG"),
                goPluginConfiguration(),
                projectBundle("kv-memory"),
                projectBundle("kv-file"),
                projectBundle("greeter-en"));
    }

    /** kv.memory serves at the start of each test, whatever the last one selected. */
    @Before
    public void kvMemoryServes() {
        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("kv.memory", registry.active(KeyValueStore.TYPE).map(PluginInfo::name).orElse("none"));
    }

    /** Each test leaves no descriptor, no kv-go process and no kv.go service behind. */
    @After
    public void noGoPluginIsLeft() throws IOException {
        try (var files = Files.list(pluginsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        waitFor("kv.go to be gone", PROCESS_WAIT_MILLIS, () -> !kvNames().contains(KV_GO));
        Path kvGo = goProgram("kv-go");
        waitFor("no kv-go process to be left", PROCESS_WAIT_MILLIS, () -> processesOf(kvGo).isEmpty());
    }

    @Test
    public void putAndGetGoThroughTheRegistryAndTheCommandsByteForByte() throws IOException {
        dropKvGo();
        assertTrue(execute("plugin:use kv kv.go").assertSucceeded().startsWith("kv is now served by kv.go " + VERSION));

        KeyValueStore kv = registry.service(KeyValueStore.TYPE, KeyValueStore.class);
        byte[] everyByte = new byte[256 * 3];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) (i * 7);
        }
        kv.put("every byte", everyByte);
        assertArrayEquals(everyByte, kv.get("every byte").orElseThrow());
        kv.put("empty", new byte[0]);
        assertArrayEquals(new byte[0], kv.get("empty").orElseThrow());
        assertEquals("a missing key is no value, not an error", Optional.empty(), kv.get("never stored"));
        // The value is in kv-go's file for the key (its escaping: "k" + the key, space as %20),
        // written by the Go process, not kept in this JVM.
        assertArrayEquals(everyByte, Files.readAllBytes(workDir().resolve("kevery%20byte")));

        String unicode = "grün, 绿, ✓";
        assertEquals("stored colour in kv.go", execute("plugin:kv put colour \"" + unicode + "\"").assertSucceeded());
        assertEquals(unicode, execute("plugin:kv get colour").assertSucceeded());
        assertArrayEquals(unicode.getBytes(StandardCharsets.UTF_8), kv.get("colour").orElseThrow());
        assertEquals("no value stored under nothing in kv.go", execute("plugin:kv get nothing").assertSucceeded());
        // What the go-plugin KV protocol lacks is refused by name, not faked.
        execute("plugin:kv del colour").assertClearError("kv.go", "delete is not supported");
        execute("plugin:kv keys").assertClearError("kv.go", "listing keys is not supported");
        assertEquals(unicode, execute("plugin:kv get colour").assertSucceeded());
    }

    @Test
    public void switchingBetweenMemoryFileAndGoLandsEveryWriteInTheActiveStoreWithoutAFailedCall()
            throws Exception {
        dropKvGo();
        KeyValueStore kv = registry.service(KeyValueStore.TYPE, KeyValueStore.class);
        AtomicInteger completed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    kv.put(switchKey(i), switchValue(i));
                    completed.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(switchKey(i) + ": " + e);
                    return;
                }
            }
        }, "switching writer");
        // Each switch as [completed before plugin:use, completed after it returned, the new store]:
        // writes below the first number went to the store before, writes above the second to the new one.
        List<Object[]> switches = new ArrayList<>();
        writer.start();
        try {
            String activeStore = "kv.memory";
            for (String next : List.of("kv.file", "kv.go", "kv.memory", "kv.go", "kv.file", "kv.go", "kv.memory")) {
                int target = completed.get() + 15;
                waitFor("15 more writes to " + activeStore, () -> completed.get() >= target || !failures.isEmpty());
                int before = completed.get();
                execute("plugin:use kv " + next).assertSucceeded();
                int after = completed.get();
                switches.add(new Object[] {before, after, next});
                activeStore = next;
            }
            int target = completed.get() + 15;
            waitFor("15 more writes after the last switch", () -> completed.get() >= target || !failures.isEmpty());
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertFalse("the writer ended", writer.isAlive());
        assertEquals("failed calls", List.of(), List.copyOf(failures));

        // Where each write is: kv.memory and kv.file are asked; kv.go is asked for the keys its
        // folder has (one file per key, "k" + key), since asking it for each of the tens of
        // thousands of keys that went to the in-JVM stores would take seconds of gRPC calls.
        KeyValueStore memory = storeNamed("kv.memory");
        KeyValueStore file = storeNamed("kv.file");
        KeyValueStore go = storeNamed(KV_GO);
        Set<String> inGo = new TreeSet<>();
        try (var files = Files.list(workDir())) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("kswitch-"))
                    .forEach(n -> inGo.add(n.substring(1)));
        }
        int writes = completed.get();
        Set<String> written = new TreeSet<>();
        for (int i = 0; i < writes; i++) {
            String key = switchKey(i);
            Set<String> holders = new TreeSet<>();
            if (holds(memory, key, switchValue(i))) {
                holders.add("kv.memory");
            }
            if (holds(file, key, switchValue(i))) {
                holders.add("kv.file");
            }
            if (inGo.remove(key)) {
                assertArrayEquals(key + " in kv.go", switchValue(i), go.get(key).orElseThrow());
                holders.add(KV_GO);
            }
            Set<String> expected = expectedStores(i, switches);
            assertEquals(key + " is in exactly one store", 1, holders.size());
            assertTrue(key + " is in " + holders + ", expected " + expected, expected.containsAll(holders));
            written.addAll(holders);
        }
        assertEquals("kv.go holds no write the writer did not count", Set.of(), inGo);
        assertEquals("every store took writes", Set.of("kv.memory", "kv.file", KV_GO), written);
    }

    /** Whether the store has the key, with the value (a wrong value fails the test). */
    private static boolean holds(KeyValueStore store, String key, byte[] value) {
        Optional<byte[]> stored = store.get(key);
        stored.ifPresent(v -> assertArrayEquals(key + " in " + store, value, v));
        return stored.isPresent();
    }

    @Test
    public void aPluginKilledMidLoadIsRestartedWithoutLosingAnAcknowledgedWrite() throws Exception {
        dropKvGo();
        execute("plugin:use kv kv.go").assertSucceeded();
        KeyValueStore kv = registry.service(KeyValueStore.TYPE, KeyValueStore.class);
        long pid = Long.parseLong(infoFacts(KV_GO).get("pid"));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger completed = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<List<String>> acknowledged = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<String> mine = new ArrayList<>();
            acknowledged.add(mine);
            int thread = t;
            writers.add(new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "load-" + thread + "-" + i;
                    try {
                        kv.put(key, loadValue(key));
                        mine.add(key); // acknowledged: put returned
                        completed.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(key + ": " + e);
                    }
                }
            }, "load writer " + t));
        }
        writers.forEach(Thread::start);
        long newPid;
        try {
            waitFor("100 writes before the kill", () -> completed.get() >= 100 || !failures.isEmpty());
            int beforeKill = completed.get();
            ProcessHandle plugin = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
            assertTrue("SIGKILL sent to " + pid, plugin.destroyForcibly());
            waitFor("kv-go " + pid + " to be dead", () -> !processRuns(pid));
            waitFor("kv.go to be restarted", PROCESS_WAIT_MILLIS, () -> {
                Map<String, String> facts = infoFacts(KV_GO);
                return "serving".equals(facts.get("state")) && !String.valueOf(pid).equals(facts.get("pid"));
            });
            int restarted = completed.get();
            waitFor("100 writes after the restart", () -> completed.get() >= restarted + 100 || !failures.isEmpty());
            assertTrue("writes went on after the kill", completed.get() > beforeKill);
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
        }
        assertEquals("failed calls", List.of(), List.copyOf(failures));

        Map<String, String> facts = infoFacts(KV_GO);
        newPid = Long.parseLong(facts.get("pid"));
        assertNotEquals(pid, newPid);
        assertTrue("the new process runs", processRuns(newPid));
        assertEquals(facts.toString(), "1", facts.get("restarts"));
        assertTrue(facts.toString(), facts.get("last exit").startsWith("killed by SIGKILL"));

        KeyValueStore goStore = storeNamed(KV_GO);
        int total = 0;
        for (List<String> keys : acknowledged) {
            for (String key : keys) {
                Optional<byte[]> value = goStore.get(key);
                assertTrue("acknowledged write " + key + " is lost", value.isPresent());
                assertArrayEquals(key, loadValue(key), value.get());
                total++;
            }
        }
        assertTrue("at least 200 acknowledged writes were checked: " + total, total >= 200);
    }

    @Test
    public void listAndInfoShowTheProcessAndItsLogLinesAreAttributedToIt() throws Exception {
        dropKvGo();
        Map<String, String> facts = infoFacts(KV_GO);
        long pid = Long.parseLong(facts.get("pid"));
        assertTrue("pid " + pid + " runs", processRuns(pid));
        assertEquals(goProgram("kv-go"), Path.of(ProcessHandle.of(pid).orElseThrow().info().command().orElseThrow()));
        assertEquals(facts.toString(), "serving", facts.get("state"));
        assertEquals(facts.toString(), "grpc, app protocol 1", facts.get("protocol"));
        assertTrue(facts.toString(), facts.get("socket").matches("/.+/plugin\\d+"));
        assertTrue("the socket exists", Files.exists(Path.of(facts.get("socket"))));
        assertTrue(facts.toString(), facts.get("uptime").matches("\\d+s"));
        assertEquals(facts.toString(), "0", facts.get("restarts"));
        assertEquals(facts.toString(), "none", facts.get("last exit"));
        assertEquals(facts.toString(), goProgram("kv-go").toString(), facts.get("command"));
        assertTrue(facts.toString(), facts.get("serves").matches("kv \\(not active\\), service \\d+"));

        String info = execute("plugin:info kv.go").assertSucceeded();
        assertTrue(info, info.startsWith("kv.go " + VERSION + ", run from " + DESCRIPTOR + "\n"));
        String list = execute("plugin:list").assertSucceeded();
        assertTrue(list, list.lines().anyMatch(l -> l.matches("-\\s+kv\\.go\\s+kv\\s+1\\.0\\.0\\s+ACTIVE\\s+"
                + "kv-go\\.goplugin \\(state serving, pid " + pid + "\\)")));

        // kv-go's hclog lines and go-plugin's own, from the plugin's stderr, under its name and version.
        String prefix = "DEBUG [" + KV_GO + " " + VERSION + "] ";
        waitFor("kv-go's log lines in plugboard.log", () -> logFileLines().stream().anyMatch(
                l -> l.contains(prefix + "kv store ready") && l.contains("data_dir=" + workDir())));
        waitFor("the log line", () -> logFileLines().stream().anyMatch(l -> l.contains(prefix + "plugin address")
                && l.contains("address=" + facts.get("socket"))));
        waitFor("the log line", () -> logFileLines().stream().anyMatch(l -> l.contains("INFO [io.plugboard.goplugin ")
                && l.contains("Started go-plugin kv.go " + VERSION + " (pid " + pid + ", grpc")));

        // A restart shows in the facts: a new pid, one restart, how the last process ended.
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        waitFor("kv.go to be restarted", PROCESS_WAIT_MILLIS, () -> {
            Map<String, String> now = infoFacts(KV_GO);
            return "serving".equals(now.get("state")) && "1".equals(now.get("restarts"));
        });
        Map<String, String> after = infoFacts(KV_GO);
        assertNotEquals(String.valueOf(pid), after.get("pid"));
        assertTrue(after.toString(), after.get("last exit").startsWith("killed by SIGKILL"));
        waitFor("the log line", () -> logFileLines().stream().anyMatch(l -> l.contains("WARN [io.plugboard.goplugin ")
                && l.contains("go-plugin kv.go ended: killed by SIGKILL")));
    }

    @Test
    public void deletingTheDescriptorStopsTheProcessAndTheRegistryFallsBack() throws Exception {
        dropKvGo();
        execute("plugin:use kv kv.go").assertSucceeded();
        KeyValueStore kv = registry.service(KeyValueStore.TYPE, KeyValueStore.class);
        kv.put("where", "go".getBytes(StandardCharsets.UTF_8));
        Map<String, String> facts = infoFacts(KV_GO);
        long pid = Long.parseLong(facts.get("pid"));
        Path socket = Path.of(facts.get("socket"));

        Files.delete(pluginsDir().resolve(DESCRIPTOR));
        waitFor("kv.go's service to be unregistered", () -> !kvNames().contains(KV_GO));
        waitFor("kv-go " + pid + " to end", () -> !processRuns(pid));
        assertFalse("its socket is removed", Files.exists(socket));
        assertTrue(execute("plugin:list").assertSucceeded(), execute("plugin:list").output().lines()
                .noneMatch(l -> l.contains("kv.go")));
        execute("plugin:info kv.go").assertClearError("kv.go");

        // Deleting the file removed kv.go on purpose: its selection gives way, another kv serves, through the same stand-in.
        String active = registry.active(KeyValueStore.TYPE).map(PluginInfo::name).orElse("none");
        assertTrue(active, active.equals("kv.memory") || active.equals("kv.file"));
        kv.put("where", "fallback".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("fallback".getBytes(StandardCharsets.UTF_8), storeNamed(active).get("where").orElseThrow());
        assertEquals("fallback", execute("plugin:kv get where").assertSucceeded());
        waitFor("the log line", () -> logFileLines().stream().anyMatch(l -> l.contains("Stopped go-plugin kv.go (pid " + pid + ")")));
    }

    /**
     * A selected plugin that ends for good (here restart=never) keeps its selection: kv calls then
     * fail naming it, and never go to another store, where the value would land unnoticed.
     */
    @Test
    public void callsOfASelectedPluginThatEndedForGoodFailNamingItAndNoOtherStoreTakesThem() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", "kv.dying");
        keys.put("type", "kv");
        keys.put("command", goProgram("kv-misbehave").toString());
        keys.put("cookie", KV_GO_COOKIE);
        keys.put("env", "MISBEHAVE=die-every MISBEHAVE_AFTER_MS=1500");
        keys.put("restart", "never");
        writeDescriptor(pluginsDir().resolve("kv-dying.goplugin"), keys);
        waitFor("kv.dying to serve", PROCESS_WAIT_MILLIS, () -> kvNames().contains("kv.dying"));
        execute("plugin:use kv kv.dying").assertSucceeded();
        waitFor("kv.dying to end and be unregistered", PROCESS_WAIT_MILLIS, () -> !kvNames().contains("kv.dying"));
        assertEquals(Optional.empty(), registry.active(KeyValueStore.TYPE));

        execute("plugin:kv put lost value").assertClearError("'kv.dying', selected for it, is not registered",
                "plugin:use kv <name> picks another");
        for (String other : List.of("kv.memory", "kv.file")) {
            assertEquals(other + " took the value", Optional.empty(), storeNamed(other).get("lost"));
        }
        waitFor("the log line", () -> logFileLines().stream().anyMatch(l -> l.contains("WARN [io.plugboard.host ")
                && l.contains("Plugin type kv waits for kv.dying, which is selected for it and not registered")));

        execute("plugin:use kv kv.memory").assertSucceeded();
        assertEquals("stored kept in kv.memory", execute("plugin:kv put kept value").assertSucceeded());
    }

    /** Drops the kv.go descriptor into the plugins folder and waits until the plugin serves. */
    private void dropKvGo() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", KV_GO);
        keys.put("type", "kv");
        keys.put("version", VERSION);
        keys.put("command", goProgram("kv-go").toString());
        keys.put("cookie", KV_GO_COOKIE);
        writeDescriptor(pluginsDir().resolve(DESCRIPTOR), keys);
        // Registered once its handshake was accepted, kv.go serves a moment later (calls wait meanwhile).
        waitFor("kv.go to serve", PROCESS_WAIT_MILLIS, () -> kvNames().contains(KV_GO)
                && "serving".equals(infoFacts(KV_GO).get("state")));
    }

    /** kv-go's working directory, where it keeps one file per key: {@code <data>/goplugin/kv.go}. */
    private Path workDir() {
        return dataDir().resolve("goplugin").resolve(KV_GO);
    }

    private Path pluginsDir() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    private List<String> kvNames() {
        return registry.plugins(KeyValueStore.TYPE).stream().map(PluginInfo::name).sorted().toList();
    }

    /** The service of the named kv plugin itself, bypassing the registry's selection. */
    private KeyValueStore storeNamed(String name) throws InvalidSyntaxException {
        Collection<ServiceReference<KeyValueStore>> refs = bundleContext.getServiceReferences(KeyValueStore.class,
                "(plugin.name=" + name + ")");
        if (refs.size() != 1) {
            fail("expected one kv service named " + name + ", found " + refs.size());
        }
        return bundleContext.getService(refs.iterator().next());
    }

    /** The stores write {@code i} may have gone to: the one active then, or both around a switch. */
    private static Set<String> expectedStores(int i, List<Object[]> switches) {
        String store = "kv.memory";
        for (Object[] s : switches) {
            int before = (Integer) s[0];
            int after = (Integer) s[1];
            String next = (String) s[2];
            if (i < before) {
                return Set.of(store);
            }
            if (i <= after) {
                return new TreeSet<>(List.of(store, next));
            }
            store = next;
        }
        return Set.of(store);
    }

    private static String switchKey(int i) {
        return "switch-" + i;
    }

    private static byte[] switchValue(int i) {
        return ("value " + i + " \u00e9\u0000\u00ff").getBytes(StandardCharsets.UTF_8);
    }

    /** 64 bytes that depend on the key, all byte values possible. */
    private static byte[] loadValue(String key) {
        byte[] value = new byte[64];
        int seed = key.hashCode();
        for (int i = 0; i < value.length; i++) {
            seed = seed * 1_103_515_245 + 12_345;
            value[i] = (byte) (seed >>> 16);
        }
        return value;
    }
}
