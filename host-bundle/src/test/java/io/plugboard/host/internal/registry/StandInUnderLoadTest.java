package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.osgi.framework.Version;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.greeter.Greeter;

/**
 * Four threads call through one stand-in while the table goes through updates (with a
 * replacement notice, old instances refusing calls after they stop), switches and failovers:
 * not one call may fail or reach the wrong plugin.
 */
public class StandInUnderLoadTest {

    private static final int THREADS = 4;
    private static final int CYCLES = 300;

    private final PluginTable table = new PluginTable(type -> null, (type, active) -> { }, Duration.ofSeconds(20),
            bundleId -> "was uninstalled");
    private long nextServiceId = 100;

    /** A greeter that, like a stateful plugin, refuses calls once it has stopped. */
    private static final class StoppableGreeter implements Greeter {
        private final String answer;
        private volatile boolean stopped;

        StoppableGreeter(String answer) {
            this.answer = answer;
        }

        @Override
        public String greet(String name) {
            if (stopped) {
                throw new PluginStoppedException(answer + " has stopped");
            }
            return answer;
        }
    }

    private PluginCandidate add(String name, int version, long bundleId, StoppableGreeter greeter) {
        PluginCandidate candidate = new PluginCandidate(name, Greeter.TYPE, new Version(version, 0, 0), bundleId,
                nextServiceId++, 0, greeter);
        table.add(candidate);
        return candidate;
    }

    @Test
    public void noCallFailsAcrossUpdatesSwitchesAndFailovers() throws Exception {
        PluginCandidate en = add("greeter.en", 1, 14, new StoppableGreeter("en 1"));
        PluginCandidate zh = add("greeter.zh", 1, 15, new StoppableGreeter("zh"));
        table.select(Greeter.TYPE, "greeter.en");
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            done.add(callers.submit(() -> {
                while (running.get()) {
                    try {
                        String answer = greeter.greet("Ann");
                        if (!answer.startsWith("en ") && !answer.equals("zh")) {
                            failures.add(new AssertionError("unexpected answer " + answer));
                        }
                        calls.incrementAndGet();
                    } catch (RuntimeException | Error e) {
                        failures.add(e);
                    }
                }
            }));
        }
        try {
            for (int version = 2; version <= CYCLES; version++) {
                // An update as the installer makes it: notice, old instance stops and goes, new one comes.
                Runnable release = table.hold(14);
                ((StoppableGreeter) en.service()).stopped = true;
                table.remove(en.serviceId());
                Thread.yield();
                en = add("greeter.en", version, 14, new StoppableGreeter("en " + version));
                release.run();
                // A switch and back, and a failover of the bystander.
                table.select(Greeter.TYPE, "greeter.zh");
                table.select(Greeter.TYPE, "greeter.en");
                table.remove(zh.serviceId());
                zh = add("greeter.zh", 1, 15, new StoppableGreeter("zh"));
                awaitProgress(calls, failures);
            }
        } finally {
            running.set(false);
            callers.shutdown();
            assertTrue(callers.awaitTermination(30, TimeUnit.SECONDS));
        }
        for (Future<?> future : done) {
            future.get();
        }
        assertTrue("failed calls: " + failures, failures.isEmpty());
        assertTrue("the callers made calls: " + calls, calls.get() > CYCLES);
        assertEquals("en " + CYCLES, greeter.greet("Ann"));
    }

    /** Waits for the callers to make a call, so each cycle overlaps calls even on a busy machine. */
    private static void awaitProgress(AtomicLong calls, Queue<Throwable> failures) throws InterruptedException {
        long before = calls.get() + failures.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.get() + failures.size() == before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the callers made no call for 10 s");
            }
            Thread.yield();
        }
    }
}
