package io.plugboard.host.internal.commands;

import java.util.function.Supplier;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.api.registry.PluginUnavailableException;
import io.plugboard.host.internal.deploy.PluginInstallException;
import io.plugboard.host.internal.text.ControlCharacters;
import io.plugboard.host.internal.text.ThrowableText;

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
     * escaped, as an exception of the same type where the host knows how to make one. Whatever
     * its type, the failure thrown prints as its message alone: Gogo's interactive shell shows a
     * failure as its {@code toString()}, which would put a Java class name before every message
     * (the piped mode prints "Error: " and the message).
     */
    static String shown(Supplier<String> command) {
        try {
            return ControlCharacters.escapedKeepingLines(command.get());
        } catch (IllegalArgumentException e) {
            throw e.getClass() == IllegalArgumentException.class
                    ? shownAs(e, ControlCharacters.escaped(ThrowableText.message(e)))
                    : shownAs(e, ControlCharacters.escapedKeepingLines(ThrowableText.message(e)));
        } catch (RuntimeException e) {
            // A plugin's exception: its getMessage may throw (hostile data, see ThrowableText).
            throw shownAs(e, ControlCharacters.escapedKeepingLines(ThrowableText.message(e)));
        }
    }

    /**
     * A copy of the failure with the message, the same cause and the same stack trace, of the
     * same type where the host knows how to make one (an anonymous subclass, to print as its
     * message); a PluginInstallException prints so already, and its message is escaped when it
     * is made, so it is never escaped twice.
     */
    private static RuntimeException shownAs(RuntimeException e, String escaped) {
        if (e instanceof PluginInstallException) {
            return e;
        }
        Throwable cause = ThrowableText.causeOf(e);
        String message = escaped == null ? e.getClass().getSimpleName() : escaped;
        Class<?> type = e.getClass();
        RuntimeException shown;
        if (type == IllegalArgumentException.class) {
            shown = new IllegalArgumentException(message, cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
        } else if (type == IllegalStateException.class) {
            shown = new IllegalStateException(message, cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
        } else if (type == UnsupportedOperationException.class) {
            shown = new UnsupportedOperationException(message, cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
        } else if (type == KeyValueStoreException.class) {
            shown = new KeyValueStoreException(message, cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
        } else if (type == PluginStoppedException.class) {
            shown = new PluginStoppedException(message) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
            if (cause != null) {
                shown.initCause(cause);
            }
        } else if (e instanceof PluginUnavailableException unavailable && type == PluginUnavailableException.class) {
            shown = new PluginUnavailableException(unavailable.type(), message) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
            if (cause != null) {
                shown.initCause(cause);
            }
        } else {
            // A plugin's own exception type cannot be made here: its name goes into the message.
            String named = escaped == null ? type.getName() : type.getName() + ": " + escaped;
            shown = new IllegalStateException(named, cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public String toString() {
                    return getMessage();
                }
            };
        }
        shown.setStackTrace(e.getStackTrace());
        return shown;
    }
}
