package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one long-lived thread that forks every plugin process of a launcher. Linux ties a
 * parent-death signal to the THREAD that forked the child, not to the JVM: a process forked by a
 * short-lived caller thread would be killed when that thread ends. So callers hand their
 * {@link ProcessBuilder} over and wait; the thread lives until {@link #close()}.
 */
final class Spawner implements AutoCloseable {

    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;

    Spawner(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        // The thread outlives many calls; it must not pin whichever class loader created it.
        thread.setContextClassLoader(null);
        thread.start();
    }

    /** Starts the process on the spawning thread; waits for it even when interrupted (the flag is kept), so no process goes unowned. */
    Process spawn(ProcessBuilder builder) throws IOException {
        CompletableFuture<Process> result = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the plugin launcher is closed");
            }
            tasks.add(() -> {
                try {
                    result.complete(builder.start());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets the thread end after the tasks already handed over; processes it forked get their parent-death signal then. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            tasks.add(STOP);
        }
        boolean interrupted = false;
        while (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                // Only close() may end this thread: its end kills the processes it forked.
                continue;
            }
            if (task == STOP) {
                return;
            }
            task.run();
        }
    }
}
