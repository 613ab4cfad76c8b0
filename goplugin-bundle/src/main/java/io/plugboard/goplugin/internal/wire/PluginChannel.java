package io.plugboard.goplugin.internal.wire;

import java.time.Duration;
import java.util.Optional;

/**
 * The gRPC connection to one plugin process; made by {@link PluginChannels}. CONTRACT SKELETON: the wire helper fills in the
 * bodies; the signatures are what the rest of the bundle codes against.
 */
public final class PluginChannel implements AutoCloseable {

    private PluginChannel() {
    }

    /** Waits until grpc.health.v1.Health/Check for service "plugin" answers SERVING; false if not within the timeout. */
    public boolean awaitServing(Duration timeout) {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** One Health/Check for "plugin" with the deadline: true only for SERVING. */
    public boolean healthy(Duration deadline) {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Calls plugin.GRPCController/Shutdown and treats any status as sent. */
    public void shutdown(Duration deadline) {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** KV Get (proto.KV/Get) with the deadline; empty for a missing key (NOT_FOUND, or "no such file or directory"). */
    public Optional<byte[]> get(String key, Duration deadline) throws KvCallException {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** KV Put (proto.KV/Put) with the deadline. */
    public void put(String key, byte[] value, Duration deadline) throws KvCallException {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Closes the channel at once (no graceful wait). */
    @Override
    public void close() {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
