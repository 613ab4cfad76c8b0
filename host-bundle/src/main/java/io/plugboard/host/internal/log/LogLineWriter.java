package io.plugboard.host.internal.log;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.log.LogLevel;

import io.plugboard.host.internal.text.ControlCharacters;
import io.plugboard.host.internal.text.ThrowableText;

/**
 * Writes log entries as {@code LEVEL [origin] message} lines: to the console when at or above a
 * threshold, and every entry to a file when one is given, there preceded by the entry's time
 * (ISO-8601, UTC) and with all its lines. The console gets an entry's first line only when the
 * file has the whole entry (see {@link #consoleLine}), and is told each thing once: when the file
 * has them, an entry that only repeats another (see {@link #write}) is left out of the console, and
 * so is an entry whose console line was shown less than {@link #REPEAT_MILLIS} before. Free of
 * OSGi services, so it is tested without a framework.
 */
final class LogLineWriter implements Closeable {

    /** Starts each line of an entry after its first. */
    static final String CONTINUATION = "  ";

    /**
     * How long after the console showed a line the same line (same level, origin and first line)
     * is not shown again. Felix SCR tries a component that throws in activate at its start, and
     * again when the registry asks for its service a few milliseconds later, and logs the same
     * error both times.
     */
    static final long REPEAT_MILLIS = 2_000;

    private final PrintStream console;
    private final LogLevel consoleLevel;
    private final Writer file;
    /** The file as the console names it where it leaves lines out; null without a file. */
    private final Path fileName;
    /** Set by close(): the log service delivers entries on its own thread, so a few may come after. */
    private boolean closed;
    /** The console lines shown (less their pointer to the file) in the last {@link #REPEAT_MILLIS}, with when. */
    private final Map<String, Long> shown = new HashMap<>();

    /** Creates a writer to the console only. */
    LogLineWriter(PrintStream console, LogLevel consoleLevel) {
        this.console = console;
        this.consoleLevel = consoleLevel;
        this.file = null;
        this.fileName = null;
    }

    /**
     * Creates a writer to the console and to the file, which is opened for appending.
     *
     * @throws IOException when the file or its folder cannot be created or opened
     */
    LogLineWriter(PrintStream console, LogLevel consoleLevel, Path file) throws IOException {
        this.console = console;
        this.consoleLevel = consoleLevel;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.file = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        this.fileName = file;
    }

    /** Returns the level named by the text (any case), or the fallback when the text names none. */
    static LogLevel parseLevel(String text, LogLevel fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return LogLevel.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /**
     * Returns the line for an entry: {@code LEVEL [origin] message}, then the stack trace if any.
     * The message and the trace may hold a user's or a plugin's text (a file name, a Go panic), so
     * every line after the first is indented ({@link #CONTINUATION}) and other control characters
     * are written as escapes: only an entry's own first line starts at the margin, and no text can
     * forge an entry or send the terminal an escape sequence.
     */
    static String format(LogLevel level, String origin, String message, Throwable exception) {
        StringBuilder line = new StringBuilder().append(level).append(" [");
        appendEscaped(line, origin, false);
        line.append("] ");
        appendEscaped(line, message, true);
        if (exception != null) {
            line.append(System.lineSeparator()).append(CONTINUATION);
            appendEscaped(line, stackTrace(exception), true);
        }
        return line.toString();
    }

    /**
     * The exception's stack trace as printStackTrace prints it; a plugin's exception that cannot
     * print itself (a toString that throws) is printed as a copy that can ({@link ThrowableText}).
     */
    private static String stackTrace(Throwable exception) {
        StringWriter trace = new StringWriter();
        try {
            exception.printStackTrace(new PrintWriter(trace));
        } catch (RuntimeException | StackOverflowError e) {
            trace = new StringWriter();
            ThrowableText.printable(exception).printStackTrace(new PrintWriter(trace));
        }
        return trace.toString().stripTrailing();
    }

    private static void appendEscaped(StringBuilder line, String text, boolean multiline) {
        String value = String.valueOf(text);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (multiline && c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n') {
                continue;
            }
            String escape = c == '\t' ? null : ControlCharacters.escape(c);
            if (multiline && c == '\n') {
                line.append(System.lineSeparator()).append(CONTINUATION);
            } else if (escape != null) {
                line.append(escape);
            } else {
                line.append(c);
            }
        }
    }

    /**
     * Returns what the console shows of an entry ({@link #format}) that the file holds whole: its
     * first line, and when the entry has more, how many more lines the file has. A component that
     * throws in activate makes Felix SCR log its error with the exception, some 80 lines of stack
     * trace, each time the component is tried (at install and again at shutdown), which buries the
     * terminal; the first line says what happened and to whom, the rest is for diagnosis.
     * {@code traceOnly} says that the left-out lines are just the exception's stack trace (the
     * message has one line), which the pointer then names.
     */
    static String consoleLine(String entry, boolean traceOnly, Path file) {
        int end = entry.indexOf(System.lineSeparator());
        if (end < 0) {
            return entry;
        }
        long more = entry.substring(end + System.lineSeparator().length()).lines().count();
        StringBuilder line = new StringBuilder(entry.substring(0, end)).append(" (")
                .append(traceOnly ? "stack trace: " : "").append(more)
                .append(more == 1 ? " more line in " : " more lines in ");
        // The data folder is the user's to name; escaped like the rest, it cannot break the line.
        appendEscaped(line, String.valueOf(file), false);
        return line.append(')').toString();
    }

    /** Writes an entry that says something of its own, as {@link #write(long, LogLevel, String, String, Throwable, boolean)}. */
    void write(long time, LogLevel level, String origin, String message, Throwable exception) {
        write(time, level, origin, message, exception, false);
    }

    /**
     * Writes one entry logged at {@code time} (milliseconds since the epoch): to the file always,
     * to the console when the level is severe enough, there as its first line only when the file
     * got it whole (with no file, or a file that failed or is closed, the console gets it whole:
     * it is then the only place the lines go). When the file got it, the console leaves it out if
     * it {@code repeats} another entry, or if its line was shown less than {@link #REPEAT_MILLIS} before.
     *
     * @param repeats whether the entry only says again what another entry says
     */
    void write(long time, LogLevel level, String origin, String message, Throwable exception, boolean repeats) {
        write(time, level, origin, message, exception, repeats, false);
    }

    /**
     * Writes one entry as {@link #write(long, LogLevel, String, String, Throwable, boolean)} does;
     * with {@code consoleOutput}, a line a plugin wrote to its standard output or error, it goes
     * to the console whatever its level and however often the same line comes (a plugin's output
     * reached the console before it was attributed, and still does).
     */
    synchronized void write(long time, LogLevel level, String origin, String message, Throwable exception,
            boolean repeats, boolean consoleOutput) {
        String line = format(level, origin, message, exception);
        boolean inFile = false;
        if (file != null && !closed) {
            try {
                file.write(Instant.ofEpochMilli(time).toString());
                file.write(' ');
                file.write(line);
                file.write(System.lineSeparator());
                // Flushed per line so a crash or kill -9 loses nothing already logged.
                file.flush();
                inFile = true;
            } catch (IOException e) {
                console.println(format(LogLevel.ERROR, "io.plugboard.host", "Could not write the log file: " + e, null));
            }
        }
        // LogLevel.implies: WARN implies ERROR and AUDIT, so a WARN threshold lets those through.
        if (consoleOutput) {
            console.println(line);
        } else if (consoleLevel.implies(level)) {
            if (!inFile) {
                console.println(line);
            } else if (!repeats && !shownRecently(firstLine(line), time)) {
                boolean traceOnly = exception != null && String.valueOf(message).indexOf('\n') < 0;
                console.println(consoleLine(line, traceOnly, fileName));
            }
        }
    }

    /** The first line of an entry as {@link #format} wrote it. */
    private static String firstLine(String entry) {
        int end = entry.indexOf(System.lineSeparator());
        return end < 0 ? entry : entry.substring(0, end);
    }

    /**
     * Whether the console showed the line less than {@link #REPEAT_MILLIS} before {@code time};
     * if not, notes that it shows it now. The lines shown longer ago are forgotten, so few are kept.
     */
    private boolean shownRecently(String line, long time) {
        for (Iterator<Long> it = shown.values().iterator(); it.hasNext(); ) {
            if (time - it.next() >= REPEAT_MILLIS) {
                it.remove();
            }
        }
        if (shown.containsKey(line)) {
            return true;
        }
        shown.put(line, time);
        return false;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (file != null) {
            file.close();
        }
    }
}
