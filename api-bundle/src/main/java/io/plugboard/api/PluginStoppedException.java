package io.plugboard.api;

/**
 * Thrown by a plugin instance that has already stopped (for example because it is being updated)
 * when a call still reaches it. The instance must throw it before doing any work, so the call
 * had no effect; the host then retries the call on the plugin's replacement, and the caller never
 * sees this exception.
 */
public class PluginStoppedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the plugin that stopped. */
    public PluginStoppedException(String message) {
        super(message);
    }
}
