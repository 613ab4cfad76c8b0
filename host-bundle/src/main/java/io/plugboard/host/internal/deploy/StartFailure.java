package io.plugboard.host.internal.deploy;

import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.framework.BundleException;

/**
 * Why a bundle's start failed, in words a plugin author can act on. For an activator that threw,
 * the framework's own message only says "Activator start error in bundle ..."; what the activator
 * threw is its cause: that is the reason, with the root cause and where it was thrown.
 */
final class StartFailure {

    private StartFailure() {
    }

    /** The reason the start failed: what the activator threw when it did, else the framework's message. */
    static String reason(Exception e) {
        Throwable thrown = thrownByActivator(e);
        if (thrown == null) {
            return e.getMessage();
        }
        Throwable root = root(thrown);
        StringBuilder text = new StringBuilder("its activator threw ").append(thrown);
        if (root != thrown) {
            text.append(", caused by ").append(root);
        }
        StackTraceElement[] frames = root.getStackTrace();
        if (frames.length > 0) {
            text.append(" (at ").append(frames[0]).append(')');
        }
        return text.toString();
    }

    /** What the bundle's activator threw (the framework's exception's cause), or null when it was not that. */
    static Throwable thrownByActivator(Exception e) {
        return e instanceof BundleException be && be.getType() == BundleException.ACTIVATOR_ERROR ? be.getCause() : null;
    }

    /** The last cause of the chain; a cycle ends it where it would repeat. */
    static Throwable root(Throwable thrown) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable root = thrown;
        while (root.getCause() != null && seen.put(root, Boolean.TRUE) == null && !seen.containsKey(root.getCause())) {
            root = root.getCause();
        }
        return root;
    }
}
