package io.plugboard.goplugin.internal;

import java.util.Map;

import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;

import io.plugboard.goplugin.internal.launch.PluginOutput;

/**
 * Sends a plugin's output lines to its own logger (named {@code plugin:<name> <version>}, which
 * the host attributes to the plugin), each at its level, with the hclog fields appended as
 * {@code key=value}. Thread-safe as the logger is.
 */
final class PluginLog implements PluginOutput {

    private final Logger logger;

    PluginLog(Logger logger) {
        this.logger = logger;
    }

    @Override
    public void line(LogLevel level, String message, Map<String, Object> fields) {
        // Checked first: go-plugin plugins log much at debug, which the host's level usually
        // drops, and OSGi Log formats a message before it looks at the level.
        if (!enabled(level)) {
            return;
        }
        String text = withFields(message, fields);
        // The text goes in as an argument, never as the format: a plugin's "{}" stays as it is.
        switch (level) {
            case AUDIT -> logger.audit("{}", text);
            case ERROR -> logger.error("{}", text);
            case WARN -> logger.warn("{}", text);
            case INFO -> logger.info("{}", text);
            case DEBUG -> logger.debug("{}", text);
            case TRACE -> logger.trace("{}", text);
            default -> logger.info("{}", text);
        }
    }

    private boolean enabled(LogLevel level) {
        return switch (level) {
            case AUDIT -> true;
            case ERROR -> logger.isErrorEnabled();
            case WARN -> logger.isWarnEnabled();
            case INFO -> logger.isInfoEnabled();
            case DEBUG -> logger.isDebugEnabled();
            case TRACE -> logger.isTraceEnabled();
        };
    }

    /** The message with {@code key=value} per field, values quoted when they have blanks or are empty. */
    static String withFields(String message, Map<String, Object> fields) {
        if (fields.isEmpty()) {
            return message;
        }
        StringBuilder text = new StringBuilder(message);
        fields.forEach((key, value) -> {
            String v = String.valueOf(value);
            boolean quote = v.isEmpty() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"');
            text.append(' ').append(key).append('=');
            if (quote) {
                text.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                text.append(v);
            }
        });
        return text.toString();
    }
}
