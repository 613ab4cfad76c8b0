package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the handlers' work on the folder's files on a bounded pool: one file's tasks one after the
 * other, in the order handed over, different files' at the same time (as many as the pool has
 * threads), so that a plugin that takes long to start (a go-plugin's start timeout may be an
 * hour) holds up no other file. A task handed over for a file whose install or update runs
 * interrupts it: the file changed or left the folder meanwhile, and the handler cancels that
 * start (a go-plugin's process is killed) rather than finish it for nothing.
 *
 * <p>Once {@link #stop} was called, tasks not started yet are dropped (the handler's files are
 * taken again when a folder watcher is back) and no more are taken.
 */
final class FileTasks {

    /** How the folder hands a file's work over. */
    @FunctionalInterface
    interface Work {

        /**
         * Runs the task after those handed over before for the same file.
         *
         * @param interruptible whether a later task for the file interrupts this one (installs
         *        and updates; not uninstalls, which must finish)
         * @return true if this interrupted the install or update of the file under way
         * @throws RejectedExecutionException once the folder is closing
         */
        boolean execute(Path file, boolean interruptible, Runnable task);
    }

    private record Task(Runnable work, boolean interruptible) {
    }

    /** The task of a file under way, on its thread. */
    private static final class Running {
        final Thread thread = Thread.currentThread();
        final boolean interruptible;
        boolean interrupted;

        Running(boolean interruptible) {
            this.interruptible = interruptible;
        }
    }

    private final ExecutorService pool;
    // Guarded by this. A file is in waiting from the moment a task of it is handed to the pool
    // until its last task ended; the deque holds the tasks behind the one under way.
    private final Map<Path, Deque<Task>> waiting = new HashMap<>();
    private final Map<Path, Running> running = new HashMap<>();
    private int unfinished;
    private boolean stopping;

    /** Runs the tasks on the pool, which this owns from now on. */
    FileTasks(ExecutorService pool) {
        this.pool = pool;
    }

    /** See {@link Work#execute}. */
    synchronized boolean execute(Path file, boolean interruptible, Runnable work) {
        if (stopping || pool.isShutdown()) {
            throw new RejectedExecutionException("the plugins folder is closing");
        }
        Task task = new Task(work, interruptible);
        Deque<Task> behind = waiting.get(file);
        if (behind == null) {
            pool.execute(() -> runAll(file, task));
            waiting.put(file, new ArrayDeque<>());
            unfinished++;
            return false;
        }
        behind.add(task);
        unfinished++;
        Running now = running.get(file);
        if (now != null && now.interruptible && !now.interrupted) {
            now.interrupted = true;
            now.thread.interrupt();
            return true;
        }
        return false;
    }

    /** Runs the file's task, then those queued behind it meanwhile. */
    private void runAll(Path file, Task first) {
        Task task = first;
        while (task != null) {
            boolean run;
            synchronized (this) {
                run = !stopping;
                running.put(file, new Running(task.interruptible()));
            }
            try {
                if (run) {
                    task.work().run();
                }
            } finally {
                synchronized (this) {
                    if (running.remove(file).interrupted) {
                        Thread.interrupted(); // ours: not for the file's next task
                    }
                    unfinished--;
                    task = waiting.get(file).poll();
                    if (task == null) {
                        waiting.remove(file);
                    }
                    notifyAll();
                }
            }
        }
    }

    /** Waits until every task handed over so far has ended; false if not within the timeout. */
    synchronized boolean awaitDone(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (unfinished > 0 && !stopping) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * Takes no more tasks and drops those not started, then stops the pool as {@link ExecutorStop}
     * does; returns whether its threads ended.
     */
    boolean stop(long graceMillis) {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        return ExecutorStop.stop(pool, graceMillis);
    }
}
