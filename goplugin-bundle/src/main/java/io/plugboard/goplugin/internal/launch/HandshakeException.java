package io.plugboard.goplugin.internal.launch;

/** A plugin process that did not complete the handshake; {@link #reason()} names the way it failed. */
public final class HandshakeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Each way a start can fail, so tests and callers can tell them apart; the message has the details. */
    public enum Reason {
        /** The program is missing or cannot be executed. */
        CANNOT_START,
        /** The plugin printed go-plugin's notice that it is not meant to be run directly (wrong or missing cookie). */
        WRONG_COOKIE,
        /** The core protocol version is not 1. */
        CORE_VERSION,
        /** The plugin chose an app protocol version the host does not speak. */
        APP_VERSION,
        /** The plugin speaks netrpc, which Plugboard does not support. */
        NETRPC,
        /** The first stdout line is not a handshake (something wrote to stdout before it). */
        NOT_A_HANDSHAKE,
        /** The process ended (or closed stdout) before a handshake, whatever its exit code. */
        EXITED,
        /** No handshake within the start timeout; the process was killed. */
        TIMEOUT
    }

    private final Reason reason;

    public HandshakeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The way the start failed. */
    public Reason reason() {
        return reason;
    }
}
