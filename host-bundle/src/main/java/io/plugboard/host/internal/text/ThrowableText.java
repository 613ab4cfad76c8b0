package io.plugboard.host.internal.text;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * How the host words a Throwable a plugin made. A plugin's exception is data, and hostile data
 * at that: its {@code toString()}, {@code getMessage()} or {@code getCause()} may throw, and its
 * cause chain may be a cycle (legal: {@code initCause} does not check). Anything that walks
 * such a chain naively (a cause loop, Felix Log's copy of a logged exception) throws or
 * overflows the stack in the host's thread, and takes the folder's handling with it.
 */
public final class ThrowableText {

    private ThrowableText() {
    }

    /**
     * The throwable as {@code toString()} words it, or, when that throws, {@code <class name> (its
     * message cannot be read: <what that threw>)}. Never throws (but for the JVM's own errors,
     * such as OutOfMemoryError: nothing sensible can be done then).
     */
    public static String describe(Throwable thrown) {
        if (thrown == null) {
            return "null";
        }
        try {
            return String.valueOf(thrown.toString());
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return thrown.getClass().getName() + " (its message cannot be read: " + describeShallow(e) + ")";
        }
    }

    /** The thrower of a failed toString, one level deep: its own toString may throw as well. */
    private static String describeShallow(Throwable e) {
        try {
            return String.valueOf(e.toString());
        } catch (Throwable again) {
            rethrowIfFatal(again);
            return e.getClass().getName();
        }
    }

    /**
     * Its message, or, when asking throws, {@code (its message cannot be read: <what that threw>)}.
     * Null when it has none.
     */
    public static String message(Throwable thrown) {
        try {
            return thrown.getMessage();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return "(its message cannot be read: " + describeShallow(e) + ")";
        }
    }

    /** Its cause, or null when there is none or asking throws. */
    public static Throwable causeOf(Throwable thrown) {
        try {
            return thrown.getCause();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return null;
        }
    }

    /**
     * The last cause of the chain, which stops at the first cause already seen (a cycle) as
     * {@link Throwable#printStackTrace()} does, and at a {@code getCause()} that throws.
     */
    public static Throwable root(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = thrown;
        seen.add(root);
        for (Throwable cause = causeOf(root); cause != null && seen.add(cause); cause = causeOf(root)) {
            root = cause;
        }
        return root;
    }

    /**
     * The throwable itself if every link of its chain can be worded and the chain ends; else a
     * copy that can: each link as {@link #describe} words it, with its stack trace, the chain
     * ending at the first cause already seen with {@code [CIRCULAR REFERENCE: ...]}. For a logger:
     * the log service and the log printer walk the chain and call toString and getMessage.
     */
    public static Throwable printable(Throwable thrown) {
        return thrown == null || readable(thrown) ? thrown : copy(thrown);
    }

    private static boolean readable(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (!seen.add(t)) {
                    return false;
                }
                t.toString();
                t.getMessage();
                t.getLocalizedMessage();
                t.getStackTrace();
            }
            return true;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return false;
        }
    }

    private static Throwable copy(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Copy first = null;
        Copy last = null;
        for (Throwable t = thrown; t != null; t = causeOf(t)) {
            boolean again = !seen.add(t);
            Copy link = again ? new Copy("[CIRCULAR REFERENCE: " + describe(t) + "]", new StackTraceElement[0])
                    : new Copy(describe(t), stackTraceOf(t));
            if (first == null) {
                first = link;
            } else {
                last.initCause(link);
            }
            last = link;
            if (again) {
                break;
            }
        }
        return first;
    }

    /** Its stack trace, or none when asking throws. */
    public static StackTraceElement[] stackTraceOf(Throwable thrown) {
        try {
            return thrown.getStackTrace();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return new StackTraceElement[0];
        }
    }

    /** The JVM's own errors are not a plugin's data: they go on up (a StackOverflowError of a toString does not). */
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
    }

    /** One link of a copied chain: prints as the original's words, its own class name left out. */
    private static final class Copy extends Exception {

        private static final long serialVersionUID = 1L;

        Copy(String text, StackTraceElement[] trace) {
            super(text);
            setStackTrace(trace);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
