package io.plugboard.kv.memory;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

public class MemoryKeyValueStoreTest {

    private final RecordingLogger log = new RecordingLogger();
    private final TestHandover handover = new TestHandover();
    private final MemoryKeyValueStore store = new MemoryKeyValueStore("1.0.0", log.logger(), handover);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void logsWhenActivated() {
        List<String> lines = log.lines();
        assertEquals(1, lines.size());
        assertEquals("info: kv.memory 1.0.0 ready with no entries: nothing was handed over", lines.get(0));
    }

    @Test
    public void storesAndReturnsValues() {
        store.put("a", bytes("1"));
        store.put("empty", new byte[0]);
        assertArrayEquals(bytes("1"), store.get("a").orElseThrow());
        assertArrayEquals(new byte[0], store.get("empty").orElseThrow());
        assertTrue(store.get("missing").isEmpty());
    }

    @Test
    public void overwritesAndDeletes() {
        store.put("k", bytes("old"));
        store.put("k", bytes("new"));
        assertArrayEquals(bytes("new"), store.get("k").orElseThrow());
        assertTrue(store.delete("k"));
        assertFalse(store.delete("k"));
        assertTrue(store.get("k").isEmpty());
    }

    @Test
    public void keysAreSorted() {
        for (String key : List.of("b", "a/b", "B", "ä", "a")) {
            store.put(key, bytes(key));
        }
        assertEquals(List.of("B", "a", "a/b", "b", "ä"), store.keys());
    }

    @Test
    public void valuesAreCopiedInAndOut() {
        byte[] value = bytes("abc");
        store.put("k", value);
        value[0] = 'X';
        byte[] read = store.get("k").orElseThrow();
        read[1] = 'Y';
        assertArrayEquals(bytes("abc"), store.get("k").orElseThrow());
    }

    @Test
    public void rejectsIllegalKeysAndNullValues() {
        assertEquals("key must not be null",
                assertThrows(IllegalArgumentException.class, () -> store.put(null, new byte[0])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.get(""));
        assertThrows(IllegalArgumentException.class, () -> store.delete("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> store.put("x".repeat(251), new byte[0]));
        IllegalArgumentException nullValue =
                assertThrows(IllegalArgumentException.class, () -> store.put("k", null));
        assertTrue(nullValue.getMessage(), nullValue.getMessage().contains("value must not be null"));
        assertTrue(store.keys().isEmpty());
    }

    @Test
    public void concurrentWritersLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        store.put(String.format("t%d-%03d", thread, i), bytes("v"));
                        store.keys();
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(8 * 500, store.keys().size());
    }
}
