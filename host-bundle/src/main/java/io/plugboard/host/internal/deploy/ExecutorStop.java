package io.plugboard.host.internal.deploy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stops one of the folder's executors within a bounded time, so that no thread of it outlives its owner. */
final class ExecutorStop {

    /**
     * How long a task is waited for once interrupted: one that heeds it ends at once, or nearly
     * (a go-plugin start stops the process it began).
     */
    static final long INTERRUPTED_MILLIS = 2_000;

    private ExecutorStop() {
    }

    /**
     * Takes no more tasks, lets the one under way finish within {@code graceMillis} (those still
     * queued run meanwhile), then interrupts it and waits {@link #INTERRUPTED_MILLIS} more.
     * Returns whether the executor's threads ended; false only for a task that ignores its
     * interrupt, which is then left to end on its own.
     */
    static boolean stop(ExecutorService executor, long graceMillis) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                return true;
            }
            executor.shutdownNow();
            return executor.awaitTermination(INTERRUPTED_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return executor.isTerminated();
        }
    }
}
