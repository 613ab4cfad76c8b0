package io.plugboard.host.internal.leaks;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Detaches exceptions from the classes of the code that threw them. The JVM's record of where a
 * Throwable was made (its backtrace) keeps each class on that stack, and so its class loader,
 * alive for as long as the Throwable lives: an exception thrown by a plugin and kept somewhere
 * (a shell variable, a log history) keeps the old plugin version in memory after an update.
 */
final class Throwables {

    private Throwables() {
    }

    /**
     * Replaces the backtrace of the throwable, its causes and suppressed exceptions with one of
     * the current thread, keeping the stack trace they print. Type and message stay; an exception
     * whose own class a plugin defined still keeps that plugin, as any object of its classes does.
     */
    static void detach(Throwable throwable) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        if (throwable != null) {
            todo.push(throwable);
        }
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            // The printed trace as plain strings first (StackTraceElement drops its class), then a
            // new backtrace from here, then the strings back in place of what that recorded.
            StackTraceElement[] trace = t.getStackTrace();
            t.fillInStackTrace();
            t.setStackTrace(trace);
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                todo.push(suppressed);
            }
        }
    }
}
