package io.plugboard.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import io.plugboard.api.kv.KeyValueStore;

/**
 * Writers, each putting its own keys {@code t<writer>-<n>} in order, and optionally readers,
 * calling one store while a test updates the plugin behind it. A put that returns normally is
 * acknowledged: the writer publishes its count only after that, so a reader (and the final
 * check) may demand every acknowledged key with its value. Failed calls and wrong reads are
 * recorded; {@link #close()} stops the threads.
 */
final class WriteLoad implements AutoCloseable {

    private final KeyValueStore store;
    private final List<Thread> threads = new ArrayList<>();
    /** Per writer: how many of its puts were acknowledged (keys 0 .. count-1). */
    private final AtomicLongArray acknowledged;
    private final AtomicLong calls = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private WriteLoad(KeyValueStore store, int writers) {
        this.store = store;
        this.acknowledged = new AtomicLongArray(writers);
    }

    /** Starts the writers and readers on the store (a stand-in, as any caller would hold). */
    static WriteLoad start(KeyValueStore store, int writers, int readers) {
        WriteLoad load = new WriteLoad(store, writers);
        for (int i = 0; i < writers; i++) {
            int writer = i;
            load.startThread("writer-" + i, () -> load.write(writer));
        }
        for (int i = 0; i < readers; i++) {
            load.startThread("reader-" + i, load::read);
        }
        return load;
    }

    static String key(int writer, long n) {
        return "t" + writer + "-" + n;
    }

    static byte[] value(int writer, long n) {
        return ("value " + n + " of writer " + writer).getBytes(UTF_8);
    }

    private void startThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void write(int writer) {
        long n = 0;
        while (running) {
            try {
                store.put(key(writer, n), value(writer, n));
                acknowledged.set(writer, n + 1);
            } catch (RuntimeException | Error e) {
                // Not acknowledged, so not demanded later; but any failure fails the test.
                failures.add("put " + key(writer, n) + ": " + e);
            }
            n++;
            calls.incrementAndGet();
            // Thousands of puts a second, yet CPU left for the framework on a small machine.
            LockSupport.parkNanos(50_000);
        }
    }

    private void read() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            int writer = random.nextInt(acknowledged.length());
            // Read the count before the get: every key below it was acknowledged before the get began.
            long count = acknowledged.get(writer);
            if (count > 0) {
                // Half the reads take the newest key (written just before, the one a handover
                // would miss), half any older one.
                long n = random.nextBoolean() ? count - 1 : random.nextLong(count);
                try {
                    Optional<byte[]> got = store.get(key(writer, n));
                    if (got.isEmpty()) {
                        failures.add("get " + key(writer, n) + " found nothing, though its put was acknowledged");
                    } else if (!Arrays.equals(value(writer, n), got.get())) {
                        failures.add("get " + key(writer, n) + " found '" + new String(got.get(), UTF_8) + "'");
                    }
                } catch (RuntimeException | Error e) {
                    failures.add("get " + key(writer, n) + ": " + e);
                }
                calls.incrementAndGet();
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Waits until at least this many more calls have been made, so a change happens under load. */
    void awaitMoreCalls(long count) {
        long target = calls.get() + count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.get() < target) {
            if (System.nanoTime() > deadline) {
                fail("the load made only " + calls.get() + " calls; failures: " + firstFailures());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Returns how many puts of the writer were acknowledged; stable once the load is closed. */
    long acknowledged(int writer) {
        return acknowledged.get(writer);
    }

    int writers() {
        return acknowledged.length();
    }

    /** Stops the threads and fails if any call failed or any read missed an acknowledged value. */
    void assertNoFailedCall() {
        close();
        assertTrue("calls were made: " + calls.get(), calls.get() > 0);
        assertTrue(failures.size() + " of " + calls.get() + " calls failed, e.g. " + firstFailures(),
                failures.isEmpty());
    }

    private List<String> firstFailures() {
        return failures.stream().limit(5).toList();
    }

    @Override
    public void close() {
        running = false;
        CallLoad.joinAll(threads);
    }
}
