package io.plugboard.goplugin.internal;

import java.util.List;

import io.plugboard.api.deploy.PluginFileException;

/**
 * A start that failed before the plugin's handshake: its message (for whoever installed the
 * plugin) ends with the process's last stderr lines; the supervisor words a failed restart from
 * the one-line {@link #summary} and the {@link #lastStderrLines} apart, as it words a crash, so
 * that its log line and {@code describe} show each once.
 */
final class StartFailedException extends PluginFileException {

    private static final long serialVersionUID = 1L;

    private final String summary;
    private final List<String> lastStderrLines;

    StartFailedException(String message, String summary, List<String> lastStderrLines, Throwable cause) {
        super(message, cause);
        this.summary = summary;
        this.lastStderrLines = List.copyOf(lastStderrLines);
    }

    /** What happened in one line, without the plugin's name, e.g. {@code the plugin exited before its handshake (exit code 3)}. */
    String summary() {
        return summary;
    }

    /** The failed process's last stderr lines, oldest first; empty when it wrote none. */
    List<String> lastStderrLines() {
        return lastStderrLines;
    }

    /** The exception's one-line summary: its own for a start that failed so, else its message. */
    static String summary(PluginFileException e) {
        return e instanceof StartFailedException f ? f.summary() : e.getMessage();
    }

    /** The exception's stderr lines: its own for a start that failed so, else none. */
    static List<String> lastStderrLines(PluginFileException e) {
        return e instanceof StartFailedException f ? f.lastStderrLines() : List.of();
    }
}
