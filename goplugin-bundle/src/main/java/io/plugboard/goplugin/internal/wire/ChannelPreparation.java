package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.launch.StdioOutput;

/**
 * The channel of one start, taken while the launcher waits for the plugin's handshake (its
 * {@code meanwhile}, after the caller's own work): {@link PluginChannels#prepare} hands over the
 * reserve made ahead, or builds a channel then, on this thread while the plugin starts on the
 * other core. The bundle's ProcessStarter and the bench's wire host start plugins through it.
 */
public final class ChannelPreparation implements Runnable, AutoCloseable {

    private final Supplier<PluginChannels> channels;
    private final String name;
    private final Duration firstCheckDeadline;
    private final Runnable meanwhile;
    private PreparedChannel prepared;
    /** Why the channel could not be prepared; thrown by connect, where a failed connection is reported. */
    private RuntimeException failure;

    /**
     * @param channels the channels, asked for only in {@link #run} (the bundle makes them on first use)
     * @param firstCheckDeadline the deadline of the first Health/Check: the most the start may wait
     * @param meanwhile runs first in {@link #run}
     */
    public ChannelPreparation(Supplier<PluginChannels> channels, String name, Duration firstCheckDeadline,
            Runnable meanwhile) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.name = Objects.requireNonNull(name, "name");
        this.firstCheckDeadline = Objects.requireNonNull(firstCheckDeadline, "firstCheckDeadline");
        this.meanwhile = Objects.requireNonNull(meanwhile, "meanwhile");
    }

    @Override
    public void run() {
        meanwhile.run();
        try {
            prepared = channels.get().prepare(name, firstCheckDeadline);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** {@link #connect(Handshake, StdioOutput)} for a channel that opens no GRPCStdio stream. */
    public PluginChannel connect(Handshake handshake) throws IOException {
        return connect(handshake, null);
    }

    /**
     * The prepared channel, given the handshake's address (or one made now, should run not have
     * run); the caller's to close.
     *
     * @param stdio where the plugin's go-plugin GRPCStdio stream goes (see
     *        {@link PluginChannels#connect(Handshake, String, StdioOutput)}); null opens none
     * @throws IOException when the handshake names an address or protocol this host cannot use
     * @throws RuntimeException what preparing the channel threw
     */
    public PluginChannel connect(Handshake handshake, StdioOutput stdio) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (prepared == null) {
            return channels.get().connect(handshake, name, stdio);
        }
        return prepared.connect(handshake, stdio);
    }

    /** Closes the channel of a start that failed before connect. */
    @Override
    public void close() {
        if (prepared != null) {
            prepared.close();
        }
    }
}
