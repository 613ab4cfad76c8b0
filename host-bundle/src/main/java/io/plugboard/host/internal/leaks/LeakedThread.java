package io.plugboard.host.internal.leaks;

import java.lang.ref.WeakReference;

/**
 * A thread that a plugin left running after it stopped. Holds the thread only weakly: a report
 * must not keep a finished thread, and with it the old class loader, alive.
 */
public final class LeakedThread {

    private final long bundleId;
    private final String plugin;
    private final String threadName;
    private final String where;
    private final WeakReference<Thread> thread;

    LeakedThread(long bundleId, String plugin, Thread thread, String where) {
        this.bundleId = bundleId;
        this.plugin = plugin;
        this.threadName = thread.getName();
        this.where = where;
        this.thread = new WeakReference<>(thread);
    }

    /** Returns the id of the bundle that left the thread. */
    public long bundleId() {
        return bundleId;
    }

    /** Returns the thread's name when it was found. */
    public String threadName() {
        return threadName;
    }

    /** Returns whether the thread is still running now. */
    public boolean running() {
        Thread t = thread.get();
        return t != null && t.isAlive();
    }

    /** Returns the warning the host logs, e.g. {@code plugin p 1.0.0 (bundle 12) left thread 'w' running (at ...)}. */
    public String warning() {
        return "plugin " + plugin + " (bundle " + bundleId + ") left thread '" + threadName + "' running (" + where + ")";
    }

    /** Returns one line for {@code plugin:info}: the thread, where it was, and whether it still runs. */
    public String summary() {
        return "'" + threadName + "' from " + plugin + " (" + where + ")" + (running() ? "" : ", ended since");
    }

    @Override
    public String toString() {
        return warning();
    }
}
