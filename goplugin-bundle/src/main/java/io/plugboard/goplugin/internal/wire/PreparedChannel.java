package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.launch.StdioOutput;

/**
 * A channel built before its plugin listens ({@link PluginChannels#prepare}), waiting for the
 * address the plugin's handshake names. Either {@link #connect} or {@link #close} it, once.
 */
public final class PreparedChannel implements AutoCloseable {

    private final PluginChannels channels;
    private final PluginChannel channel;
    private final AwaitedSocket socket;
    private boolean used;

    PreparedChannel(PluginChannels channels, PluginChannel channel, AwaitedSocket socket) {
        this.channels = channels;
        this.channel = channel;
        this.socket = socket;
    }

    /**
     * Gives the channel to the plugin that starts now, and sends the first readiness check with
     * this start's deadline (it waits inside the channel until the connection is up): sent when
     * the channel was made, a reserve's check would carry a deadline that ran while it waited.
     *
     * @param startOver runs once when the start is over (see {@link PluginChannel#whenStartIsOver})
     */
    void claim(String name, Duration firstCheckDeadline, Runnable startOver) {
        channel.claimedBy(name);
        channel.whenStartIsOver(startOver);
        channel.sendFirstCheck(firstCheckDeadline);
    }

    /** {@link #connect(Handshake, StdioOutput)} for a channel that opens no GRPCStdio stream. */
    public PluginChannel connect(Handshake handshake) throws IOException {
        return connect(handshake, null);
    }

    /**
     * Hands the channel the plugin's unix socket, where it connects at once and sends what
     * waited; returns it. A plugin that listens on tcp gets a channel of its own, made as
     * {@link PluginChannels#connect} makes it (go-plugin picks tcp only where unix sockets are
     * missing), and the prepared one is closed. Either way the channel is the caller's to close.
     *
     * @param stdio where the plugin's go-plugin GRPCStdio stream goes (see
     *        {@link PluginChannels#connect(Handshake, String, StdioOutput)}); null opens none
     * @throws IOException when the handshake names an address or protocol this host cannot use;
     *         the prepared channel is closed then
     */
    public PluginChannel connect(Handshake handshake, StdioOutput stdio) throws IOException {
        Objects.requireNonNull(handshake, "handshake");
        use();
        String pluginName = channel.pluginName();
        try {
            PluginChannels.check(handshake, pluginName);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (!"unix".equals(handshake.network())) {
            try {
                PluginChannel own = channels.connect(handshake, pluginName, stdio);
                // The start goes on on that channel: it runs what is to run when the start is over.
                own.whenStartIsOver(channel.takeStartOver());
                return own;
            } finally {
                channel.close();
            }
        }
        channel.addressed(PluginChannels.where(handshake), stdio);
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
            String pluginName = channel.pluginName();
            throw new IllegalStateException((pluginName != null ? "the prepared channel of " + pluginName
                    : "the reserve channel") + " was used or closed already");
        }
        used = true;
    }
}
