package io.plugboard.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * The measured part of the goplugin scenario, the same steps as gohost's: a warm-up of
 * {@code warmup} health checks and {@code warmup} Put+Get pairs (keys {@code warmup-<i>}), not
 * counted, then {@code calls} health checks and {@code calls} Put+Get pairs (keys
 * {@code key-<i>}, all distinct), each timed on its own; every Get is checked against its Put.
 *
 * @param calls measured calls of each kind
 * @param warmup calls of each kind before measuring
 * @param value the bytes every Put writes
 */
record KvWorkload(int calls, int warmup, byte[] value) {

    /** The KV calls of one host. */
    interface Kv {
        /** Stores the value under the key. */
        void put(String key, byte[] value) throws Exception;

        /** The value under the key, or null when there is none. */
        byte[] get(String key) throws Exception;
    }

    /** One health check of one host. */
    @FunctionalInterface
    interface Ping {
        /** Checks once; throws when the plugin does not report SERVING. */
        void ping() throws Exception;
    }

    /** A workload with a random value of {@code valueSize} bytes (gohost draws its value at random too). */
    static KvWorkload of(int calls, int warmup, int valueSize) {
        byte[] value = new byte[valueSize];
        new Random().nextBytes(value);
        return new KvWorkload(calls, warmup, value);
    }

    /**
     * Runs the workload: the health checks only when {@code ping} is not null.
     *
     * @return the figures, with {@code startFirstCall} as given
     */
    HostFigures run(long startFirstCall, Ping ping, Kv kv) throws Exception {
        if (ping != null) {
            pings(warmup, ping);
        }
        putGets(warmup, "warmup-", kv);
        Stats pings = ping == null ? null : Stats.of(pings(calls, ping));
        Stats putGets = Stats.of(putGets(calls, "key-", kv));
        return new HostFigures(startFirstCall, 0, pings, putGets, null, null);
    }

    private static long[] pings(int n, Ping ping) throws Exception {
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            ping.ping();
            samples[i] = System.nanoTime() - start;
        }
        return samples;
    }

    private long[] putGets(int n, String prefix, Kv kv) throws Exception {
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            String key = prefix + i;
            kv.put(key, value);
            byte[] got = kv.get(key);
            samples[i] = System.nanoTime() - start;
            // Checked outside the timing: gohost's check is a string comparison of 64 bytes, a few ns.
            if (!Arrays.equals(got, value)) {
                throw new IllegalStateException("Get(\"" + key + "\") returned "
                        + (got == null ? "nothing" : got.length + " bytes that differ from the " + value.length + " put"));
            }
        }
        return samples;
    }
}
