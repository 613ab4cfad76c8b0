package io.plugboard.runtime;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Start-up milestones on standard error, only with {@code -Dplugboard.debug.startup=true}: each
 * line gives the milliseconds since the JVM started and the thread, to find where start-up time
 * goes. A milestone only notes the time and its label; the lines are printed by {@link #print},
 * after the start, so that measuring does not add to what is measured (the management classes
 * that tell when the JVM started, and printing itself, cost tens of milliseconds early on).
 */
final class StartupClock {

    private static final boolean ENABLED = Boolean.getBoolean("plugboard.debug.startup");

    /** One milestone: when (System.nanoTime), on which thread, what. */
    private record Mark(long nanos, String thread, String label) {
    }

    private static final List<Mark> MARKS = new ArrayList<>();

    private StartupClock() {
    }

    /** Also marks every bundle and service event, if enabled. */
    static void watch(org.osgi.framework.BundleContext context) {
        if (ENABLED) {
            context.addBundleListener((org.osgi.framework.SynchronousBundleListener) e -> mark(
                    "bundle " + e.getBundle().getSymbolicName() + " event " + e.getType()));
            context.addServiceListener(e -> mark("service " + e.getType() + " "
                    + Arrays.toString((String[]) e.getServiceReference().getProperty("objectClass"))
                    + " from " + e.getServiceReference().getBundle().getSymbolicName()));
        }
    }

    /** Notes {@code milestone} with the time and the current thread, if enabled. */
    static void mark(String milestone) {
        if (ENABLED) {
            long now = System.nanoTime();
            synchronized (MARKS) {
                MARKS.add(new Mark(now, Thread.currentThread().getName(), milestone));
            }
        }
    }

    /** Prints the milestones noted so far (and forgets them), in milliseconds since the JVM started; if enabled. */
    static void print(PrintStream err) {
        if (!ENABLED) {
            return;
        }
        List<Mark> marks;
        synchronized (MARKS) {
            marks = new ArrayList<>(MARKS);
            MARKS.clear();
        }
        // Uptime now, less the time since each mark: the JVM's start in the nanoTime scale.
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        long startNanos = System.nanoTime() - uptimeMillis * 1_000_000L;
        for (Mark mark : marks) {
            err.printf("plugboard: startup +%d ms [%s] %s%n", (mark.nanos() - startNanos) / 1_000_000L,
                    mark.thread(), mark.label());
        }
        err.flush();
    }
}
