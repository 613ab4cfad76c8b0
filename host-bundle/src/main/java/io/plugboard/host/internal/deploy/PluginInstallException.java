package io.plugboard.host.internal.deploy;

import io.plugboard.host.internal.text.ControlCharacters;

/**
 * A plugin could not be installed, updated or uninstalled; the message says why, plainly. The
 * message is shown on the terminal as it is, and it names what the user gave (a path, a URL, a
 * file's name), so its control characters are escaped; its line breaks are kept (a handler's
 * message may have several lines).
 */
public final class PluginInstallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginInstallException(String message) {
        super(ControlCharacters.escapedKeepingLines(message));
    }

    public PluginInstallException(String message, Throwable cause) {
        super(ControlCharacters.escapedKeepingLines(message), cause);
    }

    /** The message alone: Gogo's interactive shell prints a command's failure as its toString(). */
    @Override
    public String toString() {
        return getMessage();
    }
}
