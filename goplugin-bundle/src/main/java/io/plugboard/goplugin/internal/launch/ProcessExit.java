package io.plugboard.goplugin.internal.launch;

import java.util.List;

/**
 * How a plugin process ended.
 *
 * @param exitCode the exit code, or -1 when a signal ended it
 * @param signal the signal's name (e.g. {@code SIGKILL}) when one ended it, else null
 * @param lastStderrLines the last lines it wrote to stderr (at most 20), oldest first
 */
public record ProcessExit(int exitCode, String signal, List<String> lastStderrLines) {

    public ProcessExit {
        lastStderrLines = List.copyOf(lastStderrLines);
    }

    /** Words the end for a user, e.g. "exit code 2" or "killed by SIGKILL". */
    public String describe() {
        return signal != null ? "killed by " + signal : "exit code " + exitCode;
    }
}
