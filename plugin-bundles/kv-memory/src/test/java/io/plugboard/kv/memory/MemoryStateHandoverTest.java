package io.plugboard.kv.memory;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.testing.RecordingLogger;

/** kv.memory handing its entries to its next version, without a framework. */
public class MemoryStateHandoverTest {

    private final RecordingLogger log = new RecordingLogger();
    private final TestHandover handover = new TestHandover();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private MemoryKeyValueStore start(String version) {
        return new MemoryKeyValueStore(version, log.logger(), handover);
    }

    @Test
    public void nextVersionTakesOverEveryEntry() {
        MemoryKeyValueStore v1 = start("1.0.0");
        v1.put("a", bytes("1"));
        v1.put("empty", new byte[0]);
        v1.put("ä/b c", new byte[] {0, -1, 127});
        v1.deactivate();

        MemoryKeyValueStore v2 = start("2.0.0");

        assertEquals(List.of("a", "empty", "ä/b c"), v2.keys());
        assertArrayEquals(bytes("1"), v2.get("a").orElseThrow());
        assertArrayEquals(new byte[0], v2.get("empty").orElseThrow());
        assertArrayEquals(new byte[] {0, -1, 127}, v2.get("ä/b c").orElseThrow());
        assertTrue(log.lines().toString(), log.lines("info").contains("info: kv.memory 1.0.0 stopped and handed over 3 entries (41 bytes)"));
        assertTrue(log.lines().toString(), log.lines("info").contains("info: kv.memory 2.0.0 took over 3 entries from version 1.0.0"));
        assertEquals("1.0.0", v2.replacedVersion());
    }

    @Test
    public void aRestartedVersionStillKnowsTheVersionItReplaced() {
        start("1.0.0").deactivate();
        handover.version = "2.0.0";
        start("2.0.0").deactivate();

        // The refresh after an update restarts the new version: it hands over to itself.
        MemoryKeyValueStore restarted = start("2.0.0");

        assertEquals("1.0.0", restarted.replacedVersion());
        assertEquals("info: kv.memory 2.0.0 took over 0 entries from version 2.0.0 (a restart; it replaced version 1.0.0)",
                log.lines("info").get(log.lines("info").size() - 1));
    }

    @Test
    public void aFirstVersionRestartedReplacedNone() {
        start("1.0.0").deactivate();
        MemoryKeyValueStore restarted = start("1.0.0");
        assertEquals("", restarted.replacedVersion());
        assertEquals("info: kv.memory 1.0.0 took over 0 entries from version 1.0.0 (a restart)",
                log.lines("info").get(log.lines("info").size() - 1));
    }

    @Test
    public void anEmptyStoreHandsOverAnEmptyStore() {
        start("1.0.0").deactivate();
        assertTrue(start("2.0.0").keys().isEmpty());
        assertTrue(log.lines().toString(), log.lines("info").contains("info: kv.memory 2.0.0 took over 0 entries from version 1.0.0"));
    }

    @Test
    public void aStoppedStoreRefusesEveryCallBeforeDoingAnything() {
        MemoryKeyValueStore v1 = start("1.0.0");
        v1.put("k", bytes("v"));
        v1.deactivate();

        for (Runnable call : List.<Runnable>of(() -> v1.put("k", bytes("late")), () -> v1.get("k"),
                () -> v1.delete("k"), v1::keys, () -> v1.put(null, null))) {
            PluginStoppedException stopped = assertThrows(PluginStoppedException.class, call::run);
            assertEquals("kv.memory 1.0.0 has stopped and handed its entries over; the call had no effect",
                    stopped.getMessage());
        }
        // The late put and delete changed nothing that was handed over.
        assertArrayEquals(bytes("v"), start("2.0.0").get("k").orElseThrow());
    }

    @Test
    public void everyCallRacingTheHandoverIsEitherHandedOverOrRefused() throws Exception {
        MemoryKeyValueStore v1 = start("1.0.0");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    running.countDown();
                    for (int i = 0; i < 200_000 && refused.get() < 1000; i++) {
                        String key = "t" + thread + "-" + i;
                        try {
                            v1.put(key, bytes("v"));
                            accepted.add(key);
                        } catch (PluginStoppedException e) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            running.await(10, TimeUnit.SECONDS);
            while (accepted.size() < 1000) {
                Thread.onSpinWait();
            }
            v1.deactivate();
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue("some calls must have come after the handover", refused.get() > 0);
        Set<String> handedOver = Set.copyOf(start("2.0.0").keys());
        Set<String> lost = new TreeSet<>(accepted);
        lost.removeAll(handedOver);
        Set<String> unexpected = new TreeSet<>(handedOver);
        unexpected.removeAll(accepted);
        assertTrue(accepted.size() + " puts accepted, " + handedOver.size() + " handed over; accepted but lost: "
                + lost.size() + ", handed over but refused: " + unexpected.size(), lost.isEmpty() && unexpected.isEmpty());
    }

    @Test
    public void stateInAnUnknownFormatIsRefusedAndTheStoreStartsEmpty() {
        handover.preset(MemoryKeyValueStore.NAME, "9.0.0", new byte[] {42, 0, 0, 0, 0});

        MemoryKeyValueStore store = start("1.0.0");

        assertTrue(store.keys().isEmpty());
        assertEquals("9.0.0", store.replacedVersion());
        store.put("works", bytes("yes"));
        assertEquals(List.of("error: kv.memory 1.0.0 cannot take over the state handed over by version 9.0.0: "
                + "the state has format 42, but this version reads only format 1; starting empty"), log.lines("error"));
    }

    @Test
    public void cutShortOrCorruptStateIsRefusedAndTheStoreStartsEmpty() {
        byte[] good = EntriesFormat.encode("", new TreeMap<>(Map.of("key", bytes("value"))));
        List<byte[]> broken = List.of(new byte[0], Arrays.copyOf(good, good.length - 2),
                Arrays.copyOf(good, good.length + 1), new byte[] {1, -1, -1, -1, -1});
        for (byte[] state : broken) {
            handover.preset(MemoryKeyValueStore.NAME, "1.0.0", state);
            assertTrue(start("2.0.0").keys().isEmpty());
        }
        assertEquals(log.lines().toString(), broken.size(), log.lines("error").size());
        assertTrue(log.lines("error").toString(), log.lines("error").stream().allMatch(line -> line.endsWith("; starting empty")));
    }
}
