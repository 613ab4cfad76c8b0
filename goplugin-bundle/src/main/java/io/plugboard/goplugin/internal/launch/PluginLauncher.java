package io.plugboard.goplugin.internal.launch;

/**
 * Starts plugin processes. One per bundle activation: it owns the long-lived thread that spawns
 * the processes (a parent-death signal is tied to the thread that forked, so that thread must
 * outlive its children). CONTRACT SKELETON: the launch helper fills in the bodies.
 */
public final class PluginLauncher implements AutoCloseable {

    /**
     * Starts the program with the host's environment plus the cookie, PLUGIN_PROTOCOL_VERSIONS,
     * PLUGIN_MIN_PORT/PLUGIN_MAX_PORT, TMPDIR=socketDir and extraEnv, such that it cannot outlive
     * the host JVM (even when the JVM is killed with SIGKILL); drains stdout and stderr to the
     * output for as long as it runs; returns once a valid handshake line was read.
     *
     * @throws HandshakeException naming why there is no valid handshake; the process is gone by then
     */
    public PluginProcess start(LaunchSpec spec, PluginOutput output) throws HandshakeException {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Ends the spawning thread; call after every process it started has been stopped. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
