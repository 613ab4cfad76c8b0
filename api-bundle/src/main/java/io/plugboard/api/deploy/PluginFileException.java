package io.plugboard.api.deploy;

/** A plugin file that cannot be installed, or a plugin that cannot be started from it; the message says why. */
public class PluginFileException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message a user can act on. */
    public PluginFileException(String message) {
        super(message);
    }

    /** Creates the exception with a message a user can act on and its cause. */
    public PluginFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
