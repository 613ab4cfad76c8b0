package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.util.Objects;

import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.plugboard.goplugin.internal.launch.Handshake;

/**
 * A channel built while its plugin starts ({@link PluginChannels#prepare}), waiting for the
 * address the plugin's handshake names. Either {@link #connect} or {@link #close} it, once.
 */
public final class PreparedChannel implements AutoCloseable {

    private final PluginChannels channels;
    private final PluginChannel channel;
    private final AwaitedSocket socket;
    private final String pluginName;
    private boolean used;

    PreparedChannel(PluginChannels channels, PluginChannel channel, AwaitedSocket socket, String pluginName) {
        this.channels = channels;
        this.channel = channel;
        this.socket = socket;
        this.pluginName = pluginName;
    }

    /**
     * Hands the channel the plugin's unix socket, where it connects at once and sends what
     * waited; returns it. A plugin that listens on tcp gets a channel of its own, made as
     * {@link PluginChannels#connect} makes it (go-plugin picks tcp only where unix sockets are
     * missing), and the prepared one is closed. Either way the channel is the caller's to close.
     *
     * @throws IOException when the handshake names an address or protocol this host cannot use;
     *         the prepared channel is closed then
     */
    public PluginChannel connect(Handshake handshake) throws IOException {
        Objects.requireNonNull(handshake, "handshake");
        use();
        try {
            PluginChannels.check(handshake, pluginName);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (!"unix".equals(handshake.network())) {
            channel.close();
            return channels.connect(handshake, pluginName);
        }
        channel.addressed(PluginChannels.where(handshake));
        socket.open(new DomainSocketAddress(handshake.address()));
        return channel;
    }

    /** Closes the channel when the plugin did not start; does nothing after {@link #connect}. */
    @Override
    public void close() {
        synchronized (this) {
            if (used) {
                return;
            }
            used = true;
        }
        channel.close();
    }

    private synchronized void use() {
        if (used) {
            throw new IllegalStateException("the prepared channel of " + pluginName + " was used or closed already");
        }
        used = true;
    }
}
