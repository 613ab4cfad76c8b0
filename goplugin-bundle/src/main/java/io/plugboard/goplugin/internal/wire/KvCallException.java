package io.plugboard.goplugin.internal.wire;

/** A KV call that did not succeed; {@link #kind()} says whose fault it was. */
public final class KvCallException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Kind {
        /** No answer within the call deadline (a hung plugin). */
        DEADLINE,
        /** The plugin cannot be reached: its process ended or the connection broke. */
        UNAVAILABLE,
        /** The plugin answered with an error of its own (the message is the plugin's). */
        PLUGIN_ERROR,
        /**
         * A message was over a gRPC size limit: the request over the plugin's, or the answer over
         * the host's (the message names the plugin, the size and the limit).
         */
        TOO_LARGE
    }

    private final Kind kind;

    public KvCallException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why the call failed. */
    public Kind kind() {
        return kind;
    }
}
