package io.plugboard.host.internal.leaks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the threads that run a bundle revision's code: a stack frame of one of its classes, or
 * its class loader as the thread's context class loader. Free of OSGi, so it is unit-tested
 * with plain threads. The installer asks it too, after an activator threw: whether the failed
 * start left threads running.
 */
public final class ThreadScan {

    /** A thread found running the revision's code, and the frame (or reason) that shows it. */
    public record Suspect(Thread thread, String where) {
    }

    private ThreadScan() {
    }

    /**
     * Returns the class names of the resource paths a wiring lists, e.g. {@code a/b/C$1.class}
     * becomes {@code a.b.C$1}; other paths are skipped.
     */
    public static Set<String> classNames(Iterable<String> resourcePaths) {
        Set<String> names = new HashSet<>();
        for (String path : resourcePaths) {
            if (path.endsWith(".class") && !path.endsWith("module-info.class") && !path.endsWith("package-info.class")) {
                String name = path.startsWith("/") ? path.substring(1) : path;
                names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            }
        }
        return names;
    }

    /**
     * Returns the threads among {@code stacks} (as from {@link Thread#getAllStackTraces()}) that
     * run one of {@code classes} or have {@code loader} (may be null) as context class loader.
     * The calling thread is never a suspect: it is the one that asks.
     */
    public static List<Suspect> find(Map<Thread, StackTraceElement[]> stacks, Set<String> classes, ClassLoader loader) {
        List<Suspect> found = new ArrayList<>();
        Thread self = Thread.currentThread();
        for (Map.Entry<Thread, StackTraceElement[]> entry : stacks.entrySet()) {
            Thread thread = entry.getKey();
            if (thread == self || !thread.isAlive()) {
                continue;
            }
            String where = where(entry.getValue(), classes);
            if (where == null && loader != null && thread.getContextClassLoader() == loader) {
                where = "its context class loader is the plugin's";
            }
            if (where != null) {
                found.add(new Suspect(thread, where));
            }
        }
        return found;
    }

    /** Returns {@code at frame} for the topmost frame of one of the classes, or null. */
    private static String where(StackTraceElement[] stack, Set<String> classes) {
        for (StackTraceElement frame : stack) {
            if (classes.contains(frame.getClassName())) {
                return "at " + frame(frame);
            }
        }
        return null;
    }

    /** Formats a frame as a Java stack trace does, without the class loader and module prefix. */
    static String frame(StackTraceElement frame) {
        String source = frame.isNativeMethod() ? "Native Method"
                : frame.getFileName() == null ? "Unknown Source"
                : frame.getLineNumber() >= 0 ? frame.getFileName() + ":" + frame.getLineNumber()
                : frame.getFileName();
        return frame.getClassName() + "." + frame.getMethodName() + "(" + source + ")";
    }
}
