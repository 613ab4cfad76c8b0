package io.plugboard.goplugin.internal;

import java.util.List;

/** Words for how a plugin process ended, for messages, the log and {@code describe}. */
final class Endings {

    // Enough for a panic's message; the whole lines go to the log.
    static final int MAX_LINE = 200;

    private Endings() {
    }

    /**
     * The most telling stderr line: a Go panic's or fatal error's first line (the stack after it
     * says less), else the last line that is not blank; null when there is none.
     */
    static String tellingLine(List<String> stderr) {
        String last = null;
        for (String line : stderr) {
            String stripped = line.strip();
            if (stripped.startsWith("panic:") || stripped.startsWith("fatal error:")) {
                return shorten(stripped);
            }
            if (!stripped.isEmpty()) {
                last = stripped;
            }
        }
        return last == null ? null : shorten(last);
    }

    /** The end with its telling stderr line: {@code exit code 2 (last stderr: panic: boom)}. */
    static String withStderr(String end, List<String> stderr) {
        String line = tellingLine(stderr);
        return line == null ? end : end + " (last stderr: " + line + ")";
    }

    private static String shorten(String line) {
        return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + "...";
    }
}
