package io.plugboard.host.internal.deploy;

/** A plugin could not be installed, updated or uninstalled; the message says why, plainly. */
public final class PluginInstallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginInstallException(String message) {
        super(message);
    }

    public PluginInstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
