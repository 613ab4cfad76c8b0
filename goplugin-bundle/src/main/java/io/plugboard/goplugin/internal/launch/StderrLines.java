package io.plugboard.goplugin.internal.launch;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.log.LogLevel;

/**
 * Classifies a plugin's stderr lines for {@link PluginOutput}: an hclog JSON line at its level, any
 * other line WARN, a Go panic (or runtime fatal error) with its goroutine dump ONE ERROR message.
 * Keeps the last {@value #KEPT} raw lines. Fed by one thread at a time (a drain thread, or the
 * spawner's reader), and by the reader of go-plugin's GRPCStdio stream ({@link #streamedLine});
 * the last lines are read by others.
 */
final class StderrLines {

    static final int KEPT = 20;

    /** What go-plugin's Serve prints when the magic cookie is missing or wrong, then it exits 1. */
    static final String COOKIE_NOTICE = "This binary is a plugin. These are not meant to be executed directly.";

    /** A goroutine dump of a busy server can be large; the start of a panic is what matters. */
    private static final int MAX_PANIC_CHARS = 256 * 1024;

    private static final Map<String, LogLevel> LEVELS = Map.of("trace", LogLevel.DEBUG, "debug", LogLevel.DEBUG,
            "info", LogLevel.INFO, "warn", LogLevel.WARN, "warning", LogLevel.WARN, "error", LogLevel.ERROR);

    private final PluginOutput output;
    private final ArrayDeque<String> last = new ArrayDeque<>(KEPT);
    private volatile boolean cookieNotice;
    /** The panic being collected; once it starts, every line up to the end belongs to it. */
    private StringBuilder panic;
    private boolean panicTruncated;

    StderrLines(PluginOutput output) {
        this.output = output;
    }

    /** Takes the next raw line. */
    void line(String raw) {
        remember(raw);
        if (raw.startsWith(COOKIE_NOTICE)) {
            cookieNotice = true;
        }
        if (panic != null) {
            appendToPanic(raw);
        } else if (raw.startsWith("panic: ") || raw.startsWith("fatal error: ")) {
            panic = new StringBuilder(raw);
        } else {
            classify(raw);
        }
    }

    /**
     * Takes a line the plugin wrote to {@code os.Stderr} that came over go-plugin's GRPCStdio
     * stream, from another thread than {@link #line}: classified and remembered as a raw line,
     * never the start of a panic (Go's runtime writes a panic to the process's own stderr).
     */
    void streamedLine(String raw) {
        remember(raw);
        classify(raw);
    }

    /** Takes the end of the stream: a collected panic goes out now, as one message. */
    void end() {
        if (panic != null) {
            String stack = panic.toString().stripTrailing();
            emit(LogLevel.ERROR, panicTruncated ? stack + "\n... (truncated)" : stack, Map.of());
            panic = null;
        }
    }

    /** The last raw lines, oldest first. */
    synchronized List<String> lastLines() {
        return List.copyOf(last);
    }

    /** Whether go-plugin's notice about a wrong magic cookie was seen. */
    boolean sawCookieNotice() {
        return cookieNotice;
    }

    private synchronized void remember(String raw) {
        if (last.size() == KEPT) {
            last.removeFirst();
        }
        last.addLast(raw);
    }

    private void appendToPanic(String raw) {
        if (panic.length() + raw.length() + 1 > MAX_PANIC_CHARS) {
            panicTruncated = true;
        } else {
            panic.append('\n').append(raw);
        }
    }

    private void classify(String raw) {
        Optional<Map<String, Object>> json = raw.startsWith("{") ? FlatJson.parseObject(raw) : Optional.empty();
        LogLevel level = json.map(StderrLines::level).orElse(null);
        if (level == null) {
            // go-plugin too prints JSON without a known @level verbatim: it is not hclog's.
            emit(LogLevel.WARN, raw, Map.of());
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>(json.get());
        Object message = fields.remove("@message");
        fields.remove("@level");
        fields.remove("@timestamp");
        emit(level, message == null ? "" : String.valueOf(message), Collections.unmodifiableMap(fields));
    }

    private static LogLevel level(Map<String, Object> json) {
        Object level = json.get("@level");
        return level instanceof String s ? LEVELS.get(s.toLowerCase(Locale.ROOT)) : null;
    }

    private void emit(LogLevel level, String message, Map<String, Object> fields) {
        try {
            output.line(level, message, fields);
        } catch (RuntimeException ignored) {
            // The drain must go on whatever the receiver does, or the plugin blocks on a full pipe.
        }
    }
}
