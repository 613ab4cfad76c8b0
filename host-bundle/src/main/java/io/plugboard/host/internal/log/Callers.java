package io.plugboard.host.internal.log;

import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

/**
 * Finds the plugin whose code is writing, from the caller's stack, as pax-logging does: the first
 * frame whose class a bundle loaded decides. The framework (its classes are no bundle's) and the
 * Gogo shell (its ThreadIO stream may sit between a plugin and ours) are looked through; a frame
 * of the host decides that the host writes (its log printer, its commands' output), and any other
 * bundle is the writer. Classes of the routing itself are skipped.
 */
final class Callers {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String GOGO_PREFIX = "org.apache.felix.gogo.";

    private final long hostId;
    private final Set<Class<?>> routing;

    Callers(long hostId, Set<Class<?>> routing) {
        this.hostId = hostId;
        this.routing = routing;
    }

    /** The bundle of the code that called, or null when the host or no bundle did. */
    Bundle pluginCaller() {
        return WALKER.walk(frames -> {
            // Lazy: the walk stops at the first frame that decides, usually a few frames down.
            for (Iterator<StackFrame> it = frames.iterator(); it.hasNext(); ) {
                Class<?> type = it.next().getDeclaringClass();
                if (routing.contains(type) || !(type.getClassLoader() instanceof BundleReference reference)) {
                    continue;
                }
                Bundle bundle = reference.getBundle();
                if (bundle == null || bundle.getBundleId() == 0 || isGogo(bundle)) {
                    continue;
                }
                return bundle.getBundleId() == hostId ? null : bundle;
            }
            return null;
        });
    }

    private static boolean isGogo(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name != null && name.startsWith(GOGO_PREFIX);
    }
}
