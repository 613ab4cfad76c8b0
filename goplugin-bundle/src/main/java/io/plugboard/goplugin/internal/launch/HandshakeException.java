package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A plugin process that did not complete the handshake; {@link #reason()} names the way it failed. */
public final class HandshakeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Each way a start can fail, so tests and callers can tell them apart; the message has the details. */
    public enum Reason {
        /** The program is missing or cannot be executed. */
        CANNOT_START,
        /** The plugin printed go-plugin's notice that it is not meant to be run directly (wrong or missing cookie). */
        WRONG_COOKIE,
        /** The core protocol version is not 1. */
        CORE_VERSION,
        /** The plugin chose an app protocol version the host does not speak. */
        APP_VERSION,
        /** The plugin speaks netrpc, which Plugboard does not support. */
        NETRPC,
        /** The first stdout line is not a handshake (something wrote to stdout before it). */
        NOT_A_HANDSHAKE,
        /** The process ended (or closed stdout) before a handshake, whatever its exit code. */
        EXITED,
        /** No handshake within the start timeout; the process was killed. */
        TIMEOUT
    }

    /** The most of a stderr line the message shows. */
    private static final int MAX_SHOWN_LINE = 500;

    private final Reason reason;
    private final String summary;
    private final List<String> lastStderrLines;

    public HandshakeException(Reason reason, String message) {
        this(reason, message, (Throwable) null);
    }

    public HandshakeException(Reason reason, String message, Throwable cause) {
        this(reason, message, List.of(), message, cause);
    }

    /** A program that cannot be started: {@code <plugin>: cannot start <command>: <why>}. */
    static HandshakeException cannotStart(LaunchSpec spec, String why, Throwable cause) {
        return new HandshakeException(Reason.CANNOT_START,
                spec.pluginName() + ": cannot start " + spec.command() + ": " + explained(spec.command(), why), cause);
    }

    /**
     * The system's reason, unless it misleads: exec fails with "no such file or directory" for a
     * script whose {@code #!} interpreter is missing, as if the script itself were not there.
     */
    private static String explained(Path command, String why) {
        if (why == null || !why.toLowerCase(Locale.ROOT).contains("no such file") || !Files.isRegularFile(command)) {
            return why;
        }
        String interpreter = interpreter(command);
        if (interpreter != null && !Files.exists(Path.of(interpreter))) {
            return "its interpreter " + interpreter + " (its #! line) does not exist";
        }
        return why;
    }

    /** The program a script's {@code #!} line names, or null for no such line. */
    private static String interpreter(Path script) {
        byte[] head = new byte[256];
        int read;
        try (InputStream in = Files.newInputStream(script)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return null;
        }
        String first = new String(head, 0, read, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        if (!first.startsWith("#!")) {
            return null;
        }
        String[] words = first.substring(2).trim().split("\\s+", 2);
        return words[0].isEmpty() ? null : words[0];
    }

    /**
     * A start whose process ended or was killed before a handshake: the message is the summary, then
     * the process's last stderr lines (or that it wrote none), then the hint.
     *
     * @param summary what happened in one line, without the stderr lines, e.g. {@code kv.go: the
     *        plugin exited before its handshake (exit code 3)}
     * @param lastStderrLines the process's last stderr lines, which the message shows too
     * @param hint what the message ends with (a line of its own, starting with a line break), or empty
     */
    static HandshakeException afterEnd(Reason reason, String summary, List<String> lastStderrLines, String hint,
            Throwable cause) {
        return new HandshakeException(reason, summary, lastStderrLines,
                summary + "." + stderrTail(lastStderrLines) + hint, cause);
    }

    private HandshakeException(Reason reason, String summary, List<String> lastStderrLines, String message,
            Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.summary = summary;
        this.lastStderrLines = List.copyOf(lastStderrLines);
    }

    private static String stderrTail(List<String> lines) {
        if (lines.isEmpty()) {
            return " It wrote nothing to stderr.";
        }
        // A line may be up to 64 KiB; an exception message is read by people.
        return " Last stderr lines:\n" + lines.stream()
                .map(l -> "  " + (l.length() <= MAX_SHOWN_LINE ? l : l.substring(0, MAX_SHOWN_LINE) + "..."))
                .collect(Collectors.joining("\n"));
    }

    /** The way the start failed. */
    public Reason reason() {
        return reason;
    }

    /**
     * The failure in one line, without the stderr lines the message may end with (a supervisor
     * words a failed restart with it, as it words a crash); the message when it has none.
     */
    public String summary() {
        return summary;
    }

    /** The last stderr lines of the process the message shows; empty when none were shown. */
    public List<String> lastStderrLines() {
        return lastStderrLines;
    }
}
