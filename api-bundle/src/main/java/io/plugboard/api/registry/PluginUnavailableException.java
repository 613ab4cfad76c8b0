package io.plugboard.api.registry;

/** No plugin can serve a call: none of the type is installed, or the chosen one is gone. */
public class PluginUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String type;

    /** Creates the exception for the plugin type with a message that says what happened. */
    public PluginUnavailableException(String type, String message) {
        super(message);
        this.type = type;
    }

    /** Returns the plugin type that has no available plugin. */
    public String type() {
        return type;
    }
}
