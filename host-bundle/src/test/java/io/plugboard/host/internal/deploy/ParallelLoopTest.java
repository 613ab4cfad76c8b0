package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Test;

/** Running an action on many items on a few threads. */
public class ParallelLoopTest {

    private static final String NAME = "parallel-loop-test";

    @After
    public void noHelperIsLeft() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName(), thread.getName().startsWith(NAME));
        }
    }

    @Test
    public void everyItemIsHandledExactlyOnce() {
        List<Integer> items = numbers(1000);
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();

        ParallelLoop.run(items, i -> seen.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet(), 4, NAME);

        assertEquals(1000, seen.size());
        seen.forEach((item, count) -> assertEquals("item " + item, 1, count.get()));
    }

    @Test
    public void theCallerAndTheHelpersShareTheWork() {
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        AtomicInteger waiting = new AtomicInteger(2);

        // Each of the first two items waits (bounded) until both have begun: only two threads get there.
        ParallelLoop.run(numbers(2), i -> {
            threads.put(Thread.currentThread().getName(), true);
            waiting.decrementAndGet();
            long end = System.nanoTime() + 10_000_000_000L;
            while (waiting.get() > 0 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }, 2, NAME);

        assertEquals(0, waiting.get());
        assertEquals(2, threads.size());
        assertTrue(threads.toString(), threads.containsKey(Thread.currentThread().getName()));
    }

    @Test
    public void oneThreadRunsTheItemsInOrderOnTheCaller() {
        List<String> order = new ArrayList<>();

        ParallelLoop.run(numbers(5), i -> order.add(i + " " + Thread.currentThread().getName()), 1, NAME);

        String me = Thread.currentThread().getName();
        assertEquals(List.of("0 " + me, "1 " + me, "2 " + me, "3 " + me, "4 " + me), order);
    }

    @Test
    public void anExceptionAnActionLetsThroughReachesTheCallerAfterTheOthersEnded() {
        IllegalArgumentException thrown = new IllegalArgumentException("item 7");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParallelLoop.run(numbers(100), i -> {
                    if (i == 7) {
                        throw thrown;
                    }
                }, 3, NAME));

        assertSame(thrown, e);
    }

    @Test
    public void anInterruptedCallerStillWaitsForAllAndKeepsTheInterrupt() {
        Map<Integer, Boolean> seen = new ConcurrentHashMap<>();
        Thread.currentThread().interrupt();
        try {
            ParallelLoop.run(numbers(200), i -> seen.put(i, true), 2, NAME);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(200, seen.size());
    }

    private static List<Integer> numbers(int count) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(i);
        }
        return items;
    }
}
