package io.plugboard.host.internal.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * Runs bundle starts with a deadline, as go-plugin starts have one: an activator (or a component's
 * activate, which SCR runs within the start) that never returns holds up its own thread only, not
 * the plugins folder, a shell command or the runtime's start-up waiting for the folder's first scan.
 *
 * <p>Each start runs on a thread of a small pool while the caller waits for it up to the deadline;
 * past it, the caller goes on and the thread is left to the start (the framework holds the
 * bundle's lock while its activator runs, and nothing can take it back). Idle threads are
 * reused, so a normal start creates no thread; they end after a while without work.
 */
final class TimedStarts {

    /** The framework property: how long a bundle's start may take, in milliseconds. */
    static final String TIMEOUT_PROPERTY = "plugboard.start.timeout.ms";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long IDLE_SECONDS = 30;

    private final Duration timeout;
    private final ThreadPoolExecutor pool;
    // The starts under way, by bundle id: an uninstall or update waits for the one of its bundle.
    private final Map<Long, Start> running = new ConcurrentHashMap<>();

    TimedStarts(Duration timeout) {
        this.timeout = timeout;
        // No queue: a start never waits behind a hanging one; a new thread is made only when none is idle.
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), TimedStarts::thread);
    }

    private static Thread thread(Runnable runnable) {
        Thread thread = new Thread(runnable, "plugboard-bundle-start");
        thread.setDaemon(true);
        // Made during another start perhaps: it must not keep that plugin's class loader.
        thread.setContextClassLoader(null);
        return thread;
    }

    Duration timeout() {
        return timeout;
    }

    /** What a start does: {@link Bundle#start(int)}, say. */
    @FunctionalInterface
    interface Action {
        void run() throws BundleException;
    }

    /** The start did not end within the deadline; it goes on on its own thread. */
    static final class TimedOut extends Exception {

        private static final long serialVersionUID = 1L;

        TimedOut(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs the bundle's start and waits for it up to the deadline. If it ends later,
     * {@code lateEnd} is told (with what it threw, or null) on the start's thread.
     *
     * @throws BundleException or a RuntimeException as the start threw it
     * @throws TimedOut when the start has not ended by the deadline
     */
    void start(Bundle bundle, Action action, Consumer<Throwable> lateEnd) throws BundleException, TimedOut {
        Start start = new Start(bundle.getBundleId(), action, lateEnd);
        running.put(start.bundleId, start);
        try {
            pool.execute(start);
        } catch (RejectedExecutionException e) {
            // Closed (the host is stopping): started here, as before there was a time limit.
            running.remove(start.bundleId, start);
            action.run();
            return;
        }
        boolean ended = start.await(timeout.toMillis());
        if (!ended && start.abandon()) {
            throw new TimedOut("did not return within " + seconds(timeout));
        }
        start.rethrow();
    }

    /** Whether a start of the bundle went past its deadline and has not ended yet. */
    boolean isHanging(Bundle bundle) {
        Start start = running.get(bundle.getBundleId());
        return start != null && start.isAbandoned();
    }

    /** Since when (epoch millis) the bundle's start that went past its deadline runs, if one does. */
    Optional<Long> hangingSince(Bundle bundle) {
        Start start = running.get(bundle.getBundleId());
        return start != null && start.isAbandoned() ? Optional.of(start.startedAt) : Optional.empty();
    }

    /**
     * Has a start of the bundle under way end before the bundle is changed (the framework would
     * wait for it forever): waits for it up to its deadline; one that hangs is interrupted (an
     * activator that sleeps or waits then returns) and waited for once more as long. Returns
     * whether no start of the bundle runs any more.
     */
    boolean awaitEnd(Bundle bundle) throws InterruptedException {
        Start start = running.get(bundle.getBundleId());
        if (start == null) {
            return true;
        }
        long left = start.startedAt + timeout.toMillis() - System.currentTimeMillis();
        if (left > 0 && start.done.await(left, TimeUnit.MILLISECONDS)) {
            return true;
        }
        start.interrupt();
        return start.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Interrupts every start that went past its deadline and waits up to {@code millis} for them
     * to end: the framework's stop would otherwise wait for them forever (it stops no bundle
     * while its start runs), and never get to the bundles stopped after them, the host's among them.
     * Returns whether none runs any more.
     */
    boolean interruptHanging(long millis) throws InterruptedException {
        List<Start> hanging = new ArrayList<>();
        for (Start start : running.values()) {
            if (start.isAbandoned()) {
                start.interrupt();
                hanging.add(start);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Start start : hanging) {
            if (!start.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Takes no more starts; a hanging one keeps its thread until it ends (the threads are daemons). */
    void close() {
        pool.shutdown();
    }

    /** The duration as a user reads it: {@code 10 s}, or {@code 250 ms} below a second. */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** One start: run on a pool thread, waited for by the caller until it is abandoned. */
    private final class Start implements Runnable {

        private final long bundleId;
        private final Action action;
        private final Consumer<Throwable> lateEnd;
        private final long startedAt = System.currentTimeMillis();
        private final CountDownLatch done = new CountDownLatch(1);
        // Guarded by this: which of the caller giving up and the start ending came first.
        private boolean abandoned;
        private boolean ended;
        private Thread thread;
        private Throwable thrown;

        Start(long bundleId, Action action, Consumer<Throwable> lateEnd) {
            this.bundleId = bundleId;
            this.action = action;
            this.lateEnd = lateEnd;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            Throwable failure = null;
            try {
                action.run();
            } catch (Exception | Error e) {
                failure = e;
            }
            boolean late;
            synchronized (this) {
                thrown = failure;
                ended = true;
                late = abandoned;
                thread = null;
            }
            running.remove(bundleId, this);
            // Cleared in case the start was interrupted for an uninstall: the pool thread is reused.
            Thread.interrupted();
            done.countDown();
            if (late) {
                lateEnd.accept(failure);
            }
        }

        boolean await(long millis) {
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                while (true) {
                    try {
                        return done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        // The deadline bounds the wait anyway; the caller gets its interrupt back.
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Gives the start up unless it has ended; returns whether it was given up. */
        synchronized boolean abandon() {
            if (!ended) {
                abandoned = true;
            }
            return abandoned;
        }

        synchronized boolean isAbandoned() {
            return abandoned && !ended;
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        void rethrow() throws BundleException {
            Throwable failure;
            synchronized (this) {
                failure = thrown;
            }
            if (failure instanceof BundleException e) {
                throw e;
            } else if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            } else if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
    }
}
