package io.plugboard.goplugin.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.plugboard.goplugin.internal.launch.FlatJson;
import io.plugboard.goplugin.internal.launch.ProcessExit;

/** Words for how a plugin process ended, for messages, the log and {@code describe}. */
final class Endings {

    // Enough for a panic's message; the whole lines go to the log.
    static final int MAX_LINE = 200;

    /** The exit code of a Go program that ended in an unrecovered panic or a runtime fatal error. */
    static final int GO_PANIC_EXIT_CODE = 2;

    /** hclog levels whose lines do not tell why a plugin ended. */
    private static final Set<String> QUIET_LEVELS = Set.of("trace", "debug");

    private Endings() {
    }

    /**
     * The most telling stderr line: a Go panic's or fatal error's first line (the stack after it
     * says less), else the last line that is not blank and not an hclog debug or trace line (such
     * as go-plugin's "plugin address"), an hclog JSON line shown as its message and fields; null
     * when there is none.
     */
    static String tellingLine(List<String> stderr) {
        String last = null;
        for (String line : stderr) {
            String stripped = line.strip();
            if (isPanicStart(stripped)) {
                return shorten(stripped);
            }
            if (!stripped.isEmpty()) {
                Optional<Map<String, Object>> json = hclog(stripped);
                if (json.isEmpty()) {
                    last = stripped;
                } else if (!QUIET_LEVELS.contains(String.valueOf(json.get().get("@level")))) {
                    last = readable(json.get());
                }
            }
        }
        return last == null ? null : shorten(last);
    }

    /** The end with its telling stderr line: {@code exit code 2 (last stderr: panic: boom)}. */
    static String withStderr(String end, List<String> stderr) {
        String line = tellingLine(stderr);
        return line == null ? end : end + " (last stderr: " + line + ")";
    }

    /** Whether the process ended in a Go panic or runtime fatal error: exit code 2 after such a line on stderr. */
    static boolean panicked(ProcessExit exit) {
        return exit.signal() == null && exit.exitCode() == GO_PANIC_EXIT_CODE
                && exit.lastStderrLines().stream().anyMatch(line -> isPanicStart(line.strip()));
    }

    private static boolean isPanicStart(String stripped) {
        return stripped.startsWith("panic:") || stripped.startsWith("fatal error:");
    }

    /** The members of an hclog JSON line (one with a string {@code @message}), or empty for any other line. */
    private static Optional<Map<String, Object>> hclog(String line) {
        if (!line.startsWith("{")) {
            return Optional.empty();
        }
        return FlatJson.parseObject(line).filter(json -> json.get("@message") instanceof String);
    }

    /**
     * An hclog line as {@code message key=value...} without hclog's own {@code @} keys (the time
     * and level say nothing about why the plugin ended).
     */
    private static String readable(Map<String, Object> json) {
        Map<String, Object> fields = new LinkedHashMap<>(json);
        fields.keySet().removeIf(key -> key.startsWith("@"));
        return PluginLog.withFields((String) json.get("@message"), fields);
    }

    private static String shorten(String line) {
        return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + "...";
    }
}
