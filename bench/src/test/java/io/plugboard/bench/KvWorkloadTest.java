package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

public class KvWorkloadTest {

    /** A map that records the keys it is given. */
    private static class MapKv implements KvWorkload.Kv {
        final Map<String, byte[]> values = new HashMap<>();
        final List<String> puts = new ArrayList<>();

        @Override
        public void put(String key, byte[] value) {
            puts.add(key);
            values.put(key, value.clone());
        }

        @Override
        public byte[] get(String key) {
            return values.get(key);
        }
    }

    @Test
    public void runsGohostsStepsWithDistinctKeys() throws Exception {
        KvWorkload workload = KvWorkload.of(5, 2, 64);
        MapKv kv = new MapKv();
        int[] pings = {0};
        HostFigures figures = workload.run(42, () -> pings[0]++, kv);
        assertEquals(64, workload.value().length);
        assertEquals(7, pings[0]);
        assertEquals(List.of("warmup-0", "warmup-1", "key-0", "key-1", "key-2", "key-3", "key-4"), kv.puts);
        assertEquals(42, figures.startFirstCall());
        assertEquals(5, figures.ping().count());
        assertEquals(5, figures.putGet().count());
    }

    @Test
    public void noPingsWithoutAPing() throws Exception {
        HostFigures figures = KvWorkload.of(3, 1, 8).run(0, null, new MapKv());
        assertNull(figures.ping());
        assertEquals(3, figures.putGet().count());
    }

    @Test
    public void aGetThatDiffersFromItsPutStopsTheRun() throws Exception {
        MapKv lossy = new MapKv() {
            @Override
            public byte[] get(String key) {
                return key.equals("key-1") ? new byte[3] : super.get(key);
            }
        };
        try {
            KvWorkload.of(3, 1, 8).run(0, null, lossy);
            fail("a wrong value was accepted");
        } catch (IllegalStateException e) {
            assertEquals("Get(\"key-1\") returned 3 bytes that differ from the 8 put", e.getMessage());
        }
        MapKv forgetful = new MapKv() {
            @Override
            public byte[] get(String key) {
                return null;
            }
        };
        try {
            KvWorkload.of(3, 1, 8).run(0, null, forgetful);
            fail("a missing value was accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().equals("Get(\"warmup-0\") returned nothing"));
        }
    }
}
