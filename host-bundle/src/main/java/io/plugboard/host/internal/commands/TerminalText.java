package io.plugboard.host.internal.commands;

import java.util.function.Supplier;

import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.api.registry.PluginUnavailableException;
import io.plugboard.host.internal.text.ControlCharacters;

/**
 * The boundary between the {@code plugin:*} commands and the terminal. Everything a command
 * prints, its text and its failure's message, holds what a user typed or a plugin said (a name,
 * a version, a key, a stored value, a plugin's error), so it reaches the terminal with its control
 * characters written as escapes ({@link ControlCharacters}): an escape sequence typed as an
 * argument, or stored as a value, is shown, never obeyed.
 *
 * <p>Line feeds and tabs stay where text may have several lines: a command's result (a table, a
 * description, a value) and a plugin's or handler's failure. A refusal of an argument
 * ({@link IllegalArgumentException}, from the commands, the registry or a store's key check) is
 * one line by construction, so the argument it quotes is escaped whole, line feeds too.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** One value shown within a line (a name, a type, a path): escaped whole. */
    static String value(Object value) {
        return ControlCharacters.escaped(String.valueOf(value));
    }

    /**
     * Runs a command and returns its text escaped; a failure is thrown again with its message
     * escaped, as an exception of the same type where the host knows how to make one.
     */
    static String shown(Supplier<String> command) {
        try {
            return ControlCharacters.escapedKeepingLines(command.get());
        } catch (IllegalArgumentException e) {
            throw e.getClass() == IllegalArgumentException.class
                    ? withMessage(e, ControlCharacters.escaped(e.getMessage()))
                    : withMessage(e, ControlCharacters.escapedKeepingLines(e.getMessage()));
        } catch (RuntimeException e) {
            throw withMessage(e, ControlCharacters.escapedKeepingLines(e.getMessage()));
        }
    }

    /**
     * The failure itself when escaping left its message as it was (a PluginInstallException's
     * message is escaped when it is made, so it is never escaped twice), else a copy with the
     * escaped message, the same cause and the same stack trace.
     */
    private static RuntimeException withMessage(RuntimeException e, String message) {
        if (message == null || message.equals(e.getMessage())) {
            return e;
        }
        RuntimeException shown;
        if (e.getClass() == IllegalArgumentException.class) {
            shown = new IllegalArgumentException(message, e.getCause());
        } else if (e.getClass() == IllegalStateException.class) {
            shown = new IllegalStateException(message, e.getCause());
        } else if (e.getClass() == UnsupportedOperationException.class) {
            shown = new UnsupportedOperationException(message, e.getCause());
        } else if (e.getClass() == KeyValueStoreException.class) {
            shown = new KeyValueStoreException(message, e.getCause());
        } else if (e instanceof PluginUnavailableException unavailable
                && e.getClass() == PluginUnavailableException.class) {
            shown = new PluginUnavailableException(unavailable.type(), message);
            if (e.getCause() != null) {
                shown.initCause(e.getCause());
            }
        } else {
            // A plugin's own exception type cannot be made here: its name goes into the message.
            shown = new IllegalStateException(e.getClass().getName() + ": " + message, e.getCause());
        }
        shown.setStackTrace(e.getStackTrace());
        return shown;
    }
}
