package io.plugboard.itests;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.management.JMException;
import javax.management.ObjectName;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Helpers to prove that old plugin code is gone: weak references to a bundle revision's class
 * loader, and a bounded loop of garbage collections until they clear.
 */
final class Unloading {

    /** Full collections to try before giving up: a pinned loader survives all of them. */
    private static final int GC_ROUNDS = 30;

    private Unloading() {
    }

    /**
     * Returns a weak reference to the class loader of the bundle's current revision. A method of
     * its own, so no strong reference to the loader survives in the caller's frame.
     */
    static WeakReference<ClassLoader> currentLoader(Bundle bundle) {
        BundleWiring wiring = Objects.requireNonNull(bundle.adapt(BundleWiring.class),
                () -> bundle.getSymbolicName() + " has no wiring: is it resolved?");
        return new WeakReference<>(wiring.getClassLoader());
    }

    /** Returns a weak reference to the object's class, also in a method of its own. */
    static WeakReference<Class<?>> classOf(Object object) {
        return new WeakReference<>(object.getClass());
    }

    /**
     * Collects garbage until at most {@code maxAlive} of the references are still set, or the
     * rounds run out; returns how many are still set.
     */
    static int collectUntilAtMost(List<? extends WeakReference<?>> references, int maxAlive) {
        int alive = alive(references);
        for (int round = 0; round < GC_ROUNDS && alive > maxAlive; round++) {
            System.gc();
            // Garbage the collector must clear also urges it to process soft and weak references.
            List<byte[]> ballast = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ballast.add(new byte[1 << 20]);
            }
            ballast.clear();
            PluginRuntimeTestSupport.pause(100);
            alive = alive(references);
        }
        return alive;
    }

    /**
     * Writes a heap dump of this JVM to the file (it must not exist yet), so a failing test
     * leaves the evidence of what pins a class loader: open it in a heap analyser and ask for the
     * paths from the GC roots to the BundleClassLoader. Through JMX, so the probe needs no
     * com.sun.management import.
     */
    static String heapDump(Path file) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
                    new Object[] {file.toString(), Boolean.TRUE}, new String[] {String.class.getName(), boolean.class.getName()});
            return "heap dump: " + file;
        } catch (JMException | RuntimeException e) {
            return "no heap dump (" + e + ")";
        }
    }

    private static int alive(List<? extends WeakReference<?>> references) {
        return (int) references.stream().filter(r -> r.get() != null).count();
    }
}
