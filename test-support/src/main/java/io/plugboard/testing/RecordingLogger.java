package io.plugboard.testing;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;

/**
 * An OSGi Log {@link Logger} for unit tests that records each call as {@code "level: message"}
 * (for example {@code "warn: Cannot update a.jar"}), with the {} placeholders filled in as OSGi Log
 * fills them, instead of printing it. Every level is on, unless {@link #atLevel} sets the logger's
 * level: then, as in OSGi Log, {@code isDebugEnabled()} and friends answer by it and calls below it
 * are dropped.
 */
public final class RecordingLogger {

    /** The most detailed level that is recorded. */
    private final LogLevel level;

    /** A logger that records every level. */
    public RecordingLogger() {
        this(LogLevel.TRACE);
    }

    private RecordingLogger(LogLevel level) {
        this.level = level;
        this.logger = newLogger();
    }

    /** A logger whose level is {@code level}: more detailed calls are dropped, as OSGi Log drops them. */
    public static RecordingLogger atLevel(LogLevel level) {
        return new RecordingLogger(level);
    }

    // Written by the code under test, possibly from its own threads, read by the test.
    private final List<String> lines = new CopyOnWriteArrayList<>();
    // Logger has some thirty methods; a proxy records the ones our code calls without writing
    // them all out.
    private final Logger logger;

    private Logger newLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (name) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "RecordingLogger " + lines;
                        };
                    }
                    if (method.getReturnType() == boolean.class) {
                        // isInfoEnabled() and friends
                        return level.implies(levelOf(name.substring(2, name.length() - "Enabled".length())));
                    }
                    if (name.equals("getName")) {
                        return "test";
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String format
                            && level.implies(levelOf(name))) {
                        lines.add(name + ": " + fill(format, args));
                    }
                    return null;
                });
    }

    /** Returns the Logger to hand to the code under test; every call to it is recorded here. */
    public Logger logger() {
        return logger;
    }

    /** Returns a copy of every line recorded so far, oldest first, such as {@code "info: kv.memory ready"}. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Returns a copy of the lines recorded at one level ({@code "info"}, {@code "warn"}, ...), oldest first. */
    public List<String> lines(String level) {
        return lines.stream().filter(line -> line.startsWith(level + ": ")).toList();
    }

    /** The level a Logger method is named after: {@code debug}, {@code isDebugEnabled}'s {@code Debug}... */
    private static LogLevel levelOf(String name) {
        return LogLevel.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** Replaces each {} in format with the next argument after it, as OSGi Log does. */
    private static String fill(String format, Object[] args) {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            // The (String, Object...) methods receive their arguments as one array.
            if (args[i] instanceof Object[] array) {
                values.addAll(Arrays.asList(array));
            } else {
                values.add(args[i]);
            }
        }
        StringBuilder message = new StringBuilder(format);
        for (Object value : values) {
            int at = message.indexOf("{}");
            if (at < 0) {
                break;
            }
            message.replace(at, at + 2, String.valueOf(value));
        }
        return message.toString();
    }
}
