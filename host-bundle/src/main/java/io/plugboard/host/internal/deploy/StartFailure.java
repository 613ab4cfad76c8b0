package io.plugboard.host.internal.deploy;

import org.osgi.framework.BundleException;

import io.plugboard.host.internal.text.ThrowableText;

/**
 * Why a bundle's start failed, in words a plugin author can act on. For an activator that threw,
 * the framework's own message only says "Activator start error in bundle ..."; what the activator
 * threw is its cause: that is the reason, with the root cause and where it was thrown.
 */
final class StartFailure {

    private StartFailure() {
    }

    /**
     * The reason the start failed: what the activator threw when it did, else the framework's
     * message. Worded defensively (see {@link ThrowableText}): the plugin's exception may not
     * let itself be printed, and the reason must still be given.
     */
    static String reason(Throwable e) {
        Throwable thrown = thrownByActivator(e);
        if (thrown == null) {
            return e instanceof BundleException || e instanceof IllegalStateException ? message(e)
                    : ThrowableText.describe(e);
        }
        Throwable root = ThrowableText.root(thrown);
        StringBuilder text = new StringBuilder("its activator threw ").append(ThrowableText.describe(thrown));
        if (root != thrown) {
            text.append(", caused by ").append(ThrowableText.describe(root));
        }
        StackTraceElement[] frames = ThrowableText.stackTraceOf(root);
        if (frames.length > 0) {
            text.append(" (at ").append(frames[0]).append(')');
        }
        return text.toString();
    }

    /** The framework's own message; its exception's class is the host's or the framework's, not a plugin's. */
    private static String message(Throwable e) {
        try {
            return e.getMessage();
        } catch (RuntimeException failed) {
            return ThrowableText.describe(e);
        }
    }

    /** What the bundle's activator threw (the framework's exception's cause), or null when it was not that. */
    static Throwable thrownByActivator(Throwable e) {
        return e instanceof BundleException be && be.getType() == BundleException.ACTIVATOR_ERROR ? be.getCause() : null;
    }
}
