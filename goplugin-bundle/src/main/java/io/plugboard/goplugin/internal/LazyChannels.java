package io.plugboard.goplugin.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import io.plugboard.goplugin.internal.wire.PluginChannels;

/**
 * The handler's {@link PluginChannels}, made when the first plugin connects: loading Netty and
 * its epoll library takes tens of milliseconds, which would otherwise sit on the framework's
 * start path (SCR activates the handler while it starts) even with no plugin to run.
 * Thread-safe.
 */
final class LazyChannels implements Supplier<PluginChannels>, AutoCloseable {

    private final Path nativeDir;
    private final Duration spin;
    private PluginChannels channels;
    private boolean closed;

    LazyChannels(Path nativeDir, Duration spin) {
        this.nativeDir = nativeDir;
        this.spin = spin;
    }

    /**
     * The channels, made on first use.
     *
     * @throws IllegalStateException when Netty's epoll transport cannot be used, or after close
     */
    @Override
    public synchronized PluginChannels get() {
        if (closed) {
            throw new IllegalStateException("the go-plugin handler is stopping");
        }
        if (channels == null) {
            channels = new PluginChannels(nativeDir, spin);
        }
        return channels;
    }

    /** Closes the channels if they were made. */
    @Override
    public synchronized void close() {
        closed = true;
        if (channels != null) {
            channels.close();
        }
    }
}
