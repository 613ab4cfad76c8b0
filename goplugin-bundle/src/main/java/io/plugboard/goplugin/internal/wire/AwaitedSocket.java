package io.plugboard.goplugin.internal.wire;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelOutboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * Makes the unix socket channels of one gRPC channel whose plugin has not printed its address
 * yet. gRPC sets up everything of a connection before it connects (name resolution, load
 * balancer, subchannel, transport, the HTTP/2 handler, the Netty channel and its registration);
 * each channel made here holds its connect back until {@link #open} names the plugin's socket,
 * and connects there. So all of that runs while the plugin process starts, and only the
 * connection itself is left for after the handshake. One instance per gRPC channel.
 */
final class AwaitedSocket implements ChannelFactory<EpollDomainSocketChannel> {

    /**
     * The address gRPC is given and asks to connect to; never connected to. A channel made
     * after {@link #open} (a reconnect) connects to the plugin's socket too.
     */
    static final DomainSocketAddress PLACEHOLDER = new DomainSocketAddress("plugboard-awaited-plugin-socket");

    private DomainSocketAddress address;
    private Gate waiting;

    @Override
    public EpollDomainSocketChannel newChannel() {
        EpollDomainSocketChannel channel = new EpollDomainSocketChannel();
        // First in the pipeline, next to its head: gRPC's handlers see the connect as usual.
        channel.pipeline().addFirst(new Gate());
        return channel;
    }

    /** Names the plugin's socket, once; a connect held back goes there now (on its event loop). */
    void open(DomainSocketAddress plugin) {
        Gate gate;
        ChannelHandlerContext context;
        synchronized (this) {
            if (address != null) {
                throw new IllegalStateException("the socket was named already: " + address);
            }
            address = plugin;
            gate = waiting;
            waiting = null;
            // Taken here: a close on the event loop may clear it the moment the lock is free.
            context = gate != null ? gate.held : null;
        }
        if (context != null) {
            gate.release(context, plugin);
        }
    }

    /** Holds a channel's connect until the address is known. */
    private final class Gate extends ChannelOutboundHandlerAdapter implements Runnable {

        /** Set while the connect is held (by the event loop, under the factory's lock). */
        private ChannelHandlerContext held;
        private SocketAddress localAddress;
        private ChannelPromise promise;
        private DomainSocketAddress releasedTo;

        @Override
        public void connect(ChannelHandlerContext context, SocketAddress ignored, SocketAddress local,
                ChannelPromise connected) {
            DomainSocketAddress known;
            synchronized (AwaitedSocket.this) {
                known = address;
                if (known == null) {
                    held = context;
                    localAddress = local;
                    promise = connected;
                    waiting = this;
                }
            }
            if (known != null) {
                forward(context, known, local, connected);
            }
        }

        /** From {@link #open}: connects on the channel's event loop (this object is the task). */
        void release(ChannelHandlerContext context, DomainSocketAddress plugin) {
            releasedTo = plugin;
            context.executor().execute(this);
        }

        @Override
        public void run() {
            ChannelHandlerContext context;
            synchronized (AwaitedSocket.this) {
                context = held;
                held = null;
            }
            // Null: the channel closed meanwhile, which failed the connect.
            if (context != null && !promise.isDone()) {
                forward(context, releasedTo, localAddress, promise);
            }
        }

        private void forward(ChannelHandlerContext context, DomainSocketAddress to, SocketAddress local,
                ChannelPromise connected) {
            context.connect(to, local, connected);
            // Its work is done: later writes need not pass through it.
            context.pipeline().remove(this);
        }

        /** A channel closed while its connect is held (the plugin did not start): the connect fails. */
        @Override
        public void close(ChannelHandlerContext context, ChannelPromise closed) throws Exception {
            ChannelPromise pending;
            synchronized (AwaitedSocket.this) {
                pending = held != null ? promise : null;
                held = null;
                if (waiting == this) {
                    waiting = null;
                }
            }
            if (pending != null) {
                pending.tryFailure(new ClosedChannelException());
            }
            super.close(context, closed);
        }
    }
}
