package io.plugboard.runtime;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * Start-up milestones on standard error, only with {@code -Dplugboard.debug.startup=true}: each
 * line gives the milliseconds since the JVM started, to find where start-up time goes.
 */
final class StartupClock {

    private static final boolean ENABLED = Boolean.getBoolean("plugboard.debug.startup");

    private StartupClock() {
    }

    /** Also marks every bundle and service event, if enabled. */
    static void watch(PrintStream err, org.osgi.framework.BundleContext context) {
        if (ENABLED) {
            context.addBundleListener((org.osgi.framework.SynchronousBundleListener) e -> mark(err,
                    "bundle " + e.getBundle().getSymbolicName() + " event " + e.getType()));
            context.addServiceListener(e -> mark(err, "service " + e.getType() + " "
                    + java.util.Arrays.toString((String[]) e.getServiceReference().getProperty("objectClass"))
                    + " from " + e.getServiceReference().getBundle().getSymbolicName()));
        }
    }

    /** Prints {@code milestone} with the time since the JVM started, if enabled. */
    static void mark(PrintStream err, String milestone) {
        if (ENABLED) {
            // Only loaded when asked for: the management classes cost start-up time themselves.
            long start = ManagementFactory.getRuntimeMXBean().getStartTime();
            err.println("plugboard: startup +" + (System.currentTimeMillis() - start) + " ms " + milestone);
        }
    }
}
