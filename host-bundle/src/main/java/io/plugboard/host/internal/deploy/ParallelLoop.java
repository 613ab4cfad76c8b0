package io.plugboard.host.internal.deploy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs an action on each item of a list on a few threads at once: the calling thread and up to
 * {@code threads - 1} helpers, each taking the next item in list order until none is left. Every
 * item is handed out exactly once; the call returns only when all actions have ended and every
 * helper thread has ended. An exception an action lets through stops the handing out of further
 * items and is thrown to the caller once the others are done, as a plain loop would throw it.
 */
final class ParallelLoop<T> implements Runnable {

    private final List<T> items;
    private final Consumer<? super T> action;
    private final AtomicInteger next = new AtomicInteger();
    // The first exception an action let through; later ones are added to it as suppressed.
    private volatile Throwable failure;

    private ParallelLoop(List<T> items, Consumer<? super T> action) {
        this.items = items;
        this.action = action;
    }

    /** Runs the action on every item, on at most the given number of threads, the caller's among them. */
    static <T> void run(List<T> items, Consumer<? super T> action, int threads, String threadName) {
        ParallelLoop<T> work = new ParallelLoop<>(items, action);
        int helpers = Math.min(threads, items.size()) - 1;
        Thread[] started = new Thread[Math.max(helpers, 0)];
        for (int i = 0; i < started.length; i++) {
            started[i] = new Thread(work, threadName + "-" + (i + 1));
            started[i].setDaemon(true);
            started[i].start();
        }
        work.run();
        for (Thread helper : started) {
            // The helpers finish their item and stop; an interrupt is kept for the caller.
            PluginInstallerImpl.joinUninterruptibly(helper);
        }
        work.rethrow();
    }

    /** Takes items in order until none is left or an action failed. */
    @Override
    public void run() {
        while (failure == null) {
            int index = next.getAndIncrement();
            if (index >= items.size()) {
                return;
            }
            try {
                action.accept(items.get(index));
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }
    }

    private synchronized void fail(Throwable e) {
        if (failure == null) {
            failure = e;
        } else {
            failure.addSuppressed(e);
        }
    }

    private void rethrow() {
        Throwable e = failure;
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
    }
}
