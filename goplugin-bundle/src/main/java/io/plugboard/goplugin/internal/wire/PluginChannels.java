package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.nio.file.Path;

import io.plugboard.goplugin.internal.launch.Handshake;

/**
 * Makes channels to plugin processes. One per bundle activation: it owns the event loop the
 * channels share (no static state, so the bundle's class loader can go). CONTRACT SKELETON: the
 * wire helper fills in the bodies.
 */
public final class PluginChannels implements AutoCloseable {

    /**
     * @param nativeWorkDir an executable directory where Netty unpacks its epoll library (a
     *        noexec {@code java.io.tmpdir} would make it fail); used when the system property
     *        {@code io.grpc.netty.shaded.io.netty.native.workdir} is not set already
     */
    public PluginChannels(Path nativeWorkDir) {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /**
     * Connects (plaintext HTTP/2 over the handshake's unix socket or tcp address), and opens the
     * broker's StartStream once, as go-plugin's host does.
     *
     * @param pluginName for messages and thread names
     * @throws IOException when the address cannot be connected to
     */
    public PluginChannel connect(Handshake handshake, String pluginName) throws IOException {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Closes the event loop; call after every channel is closed. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
