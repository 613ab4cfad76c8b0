package io.plugboard.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Several threads calling a plugin in a loop, as the callers of a live system would, while a
 * test changes the plugin underneath. Records every failed call and every answer not allowed at
 * that moment; {@link #close()} stops the threads.
 */
final class CallLoad implements AutoCloseable {

    private final Supplier<String> call;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    /** What an answer may be: any of several while a change runs, the new one after it. */
    private volatile Set<String> allowed;
    private volatile String lastAnswer;
    private volatile boolean running = true;

    private CallLoad(Supplier<String> call, Set<String> allowed) {
        this.call = call;
        this.allowed = allowed;
    }

    /** Starts the threads; every answer must be one of {@code allowed} until told otherwise. */
    static CallLoad start(int threadCount, Supplier<String> call, String... allowed) {
        CallLoad load = new CallLoad(call, Set.of(allowed));
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(load::run, "caller-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void run() {
        while (running) {
            long started = System.nanoTime();
            // Read before the call: one that began before the expectation changed may still give the earlier answer.
            Set<String> expected = allowed;
            try {
                String answer = call.get();
                if (!expected.contains(answer)) {
                    failures.add("answered '" + answer + "', expected one of " + expected);
                }
                lastAnswer = answer;
            } catch (RuntimeException | Error e) {
                failures.add(e.getClass().getName() + ": " + e.getMessage());
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
            calls.incrementAndGet();
            // Tens of thousands of calls a second, yet CPU left for the framework on a small machine.
            LockSupport.parkNanos(20_000);
        }
    }

    /** From now on, calls that start may only answer one of these. */
    void expectFromNowOn(String... answers) {
        allowed = Set.of(answers);
    }

    /** Waits until at least this many more calls have been made, so a change happens under load. */
    void awaitMoreCalls(long count) {
        long target = calls.get() + count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.get() < target) {
            if (System.nanoTime() > deadline) {
                fail("the callers made only " + calls.get() + " calls; failures: " + failures);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Returns the latest answer any thread got. */
    String lastAnswer() {
        return lastAnswer;
    }

    /** Returns the longest a single call took, in milliseconds. */
    long slowestCallMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }

    /** Stops the threads and fails if any call failed or gave an answer not allowed when it started. */
    void assertNoFailedCall() {
        close();
        assertTrue("calls were made: " + calls.get(), calls.get() > 0);
        List<String> seen = new ArrayList<>(failures);
        assertTrue(seen.size() + " of " + calls.get() + " calls failed, e.g. "
                + seen.subList(0, Math.min(5, seen.size())), seen.isEmpty());
    }

    @Override
    public void close() {
        running = false;
        joinAll(threads);
    }

    /** Waits (30 s at most each) for the load threads to end; fails naming one that did not. */
    static void joinAll(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            assertTrue(thread.getName() + " did not stop", !thread.isAlive());
        }
    }
}
