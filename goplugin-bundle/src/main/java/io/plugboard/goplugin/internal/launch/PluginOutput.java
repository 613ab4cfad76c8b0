package io.plugboard.goplugin.internal.launch;

import java.util.Map;

import org.osgi.service.log.LogLevel;

/** Receives every line a plugin process writes, already classified; called from the threads that read the output. */
@FunctionalInterface
public interface PluginOutput {

    /**
     * One line of the plugin's output.
     *
     * @param level the hclog level of a JSON line ({@code trace} is DEBUG... {@code error} is ERROR);
     *        a raw stderr line is WARN, a Go panic (with its stack, as one message) ERROR, a stdout line after
     *        the handshake INFO
     * @param message the message ({@code @message} of a JSON line, else the raw line)
     * @param fields the other keys of a JSON line (without {@code @level}, {@code @message},
     *        {@code @timestamp}); empty for raw lines
     */
    void line(LogLevel level, String message, Map<String, Object> fields);
}
