package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocal;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.launch.StdioOutput;

/**
 * Makes channels to plugin processes. One per bundle activation: it owns the event loop the
 * channels share, and keeps one channel made ahead for the next start, the reserve (see
 * {@link #prepare}); no static state, so the bundle's class loader can go once it is closed.
 * While any is open, grpc-java's notice of data on a closed stream is not logged (see
 * {@link ClosedStreamLog}).
 */
public final class PluginChannels implements AutoCloseable {

    /** Where the shaded Netty unpacks its native library; read once, when Netty first loads it. */
    static final String NATIVE_WORKDIR_PROPERTY = "io.grpc.netty.shaded.io.netty.native.workdir";

    /** Prefix of the name of the one event loop thread. */
    static final String THREAD_NAME = "plugboard-goplugin-wire";

    /** Prefix of the name of the thread that makes the reserve channel (see {@link #prepare}). */
    static final String RESERVE_THREAD_NAME = "plugboard-goplugin-reserve";

    /** Prefix of the name of the thread that hands on what plugins send on go-plugin's GRPCStdio streams. */
    static final String STDIO_THREAD_NAME = "plugboard-goplugin-stdio";

    /** The reserve and stdio threads end when they had nothing to do for this long. */
    private static final long IDLE_THREAD_SECONDS = 5;

    /** Bounds the wait for the event loop to stop; it has nothing left to do by then. */
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    /** The framework (or system) property that sets {@link #spinWindow}, in microseconds. */
    public static final String SPIN_PROPERTY = "plugboard.goplugin.spin.micros";

    /**
     * How long the event loop keeps polling after it last had work, by default: longer than a
     * call's round trip to a local plugin (70-250 µs measured) and the gap until a caller's next
     * call, so that a caller calling in a row never waits for the loop to wake; short enough
     * that an occasional call (a health check) costs well under a millisecond of CPU.
     */
    public static final Duration DEFAULT_SPIN = Duration.ofNanos(500_000);

    /** An upper bound for the window: beyond it polling only burns CPU. */
    static final Duration MAX_SPIN = Duration.ofSeconds(1);

    private final EventLoopGroup group;
    private final Thread loopThread;
    private final Duration connectTimeout;
    /** Makes the reserves, one at a time (see {@link #idleEndingThread}). */
    private final ThreadPoolExecutor reserveMaker;
    /** The latest thread the reserve maker started; null before the first. */
    private final AtomicReference<Thread> reserveThread = new AtomicReference<>();
    /**
     * Runs the listeners of every channel's GRPCStdio stream (gRPC keeps each stream's in order):
     * logging a plugin's lines must not hold up the event loop. One thread, made on the first chunk
     * and ended when idle, as the reserve maker's.
     */
    private final ThreadPoolExecutor stdioReader;
    /** The latest thread the stdio reader started; null before the first. */
    private final AtomicReference<Thread> stdioThread = new AtomicReference<>();
    /** A channel made ahead of the next start, unclaimed; null while none is ready. */
    private PreparedChannel reserve;
    /** Whether the next reserve is scheduled or being made. */
    private boolean reserving;
    private boolean closed;

    /** With the {@link #DEFAULT_SPIN default spin window}; see {@link #PluginChannels(Path, Duration)}. */
    public PluginChannels(Path nativeWorkDir) {
        this(nativeWorkDir, DEFAULT_SPIN);
    }

    /**
     * @param nativeWorkDir an executable directory where Netty unpacks its epoll library (a
     *        noexec {@code java.io.tmpdir} would make it fail); used when the system property
     *        {@code io.grpc.netty.shaded.io.netty.native.workdir} is not set already
     * @param spin how long the event loop keeps polling for I/O after it last had work before
     *        it blocks (see {@link BriefSpin}); zero blocks at once
     */
    public PluginChannels(Path nativeWorkDir, Duration spin) {
        this(nativeWorkDir, spin, null);
    }

    /** @param connectTimeout Netty's connect timeout of every channel; null for Netty's own (30 s) */
    PluginChannels(Path nativeWorkDir, Duration spin, Duration connectTimeout) {
        Objects.requireNonNull(nativeWorkDir, "nativeWorkDir");
        long spinNanos = checkedSpin(spin).toNanos();
        this.connectTimeout = connectTimeout;
        useNativeWorkDir(nativeWorkDir);
        if (!Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new IllegalStateException("Netty's epoll transport cannot be used (native work directory "
                    + System.getProperty(NATIVE_WORKDIR_PROPERTY) + "): " + cause, cause);
        }
        // One thread serves every plugin channel: the calls are small and the thread mostly
        // waits in epoll; more threads would only add hand-overs. Daemon, so a forgotten close
        // cannot keep the JVM alive.
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true),
                EpollIoHandler.newFactory(0, () -> new BriefSpin(spinNanos)));
        // Started now and remembered, so that close() can wait until the thread is really gone.
        loopThread = group.next().submit(Thread::currentThread).syncUninterruptibly().getNow();
        reserveMaker = idleEndingThread(RESERVE_THREAD_NAME, reserveThread);
        stdioReader = idleEndingThread(STDIO_THREAD_NAME, stdioThread);
        // No reserve yet: the bundle makes these channels during its first start, which a
        // reserve made now would slow down (measured: 30-40 ms on a cold first start). The
        // first reserve comes once the first start is over, as every later one does.
        // Last: nothing after it throws, so close() gives back what this takes.
        ClosedStreamLog.open();
    }

    /**
     * A pool of one daemon thread, made for a task and ended after {@link #IDLE_THREAD_SECONDS}
     * without one, so an activation that has no such work keeps no thread for it; tasks wait their
     * turn. Each thread it makes is put in {@code latest}, for close() to wait until the last one
     * is really gone: the pool's termination comes while that thread is still ending.
     */
    private static ThreadPoolExecutor idleEndingThread(String name, AtomicReference<Thread> latest) {
        DefaultThreadFactory threads = new DefaultThreadFactory(name, true);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = threads.newThread(task);
                    latest.set(thread);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static Duration checkedSpin(Duration spin) {
        Objects.requireNonNull(spin, "spin");
        if (spin.isNegative() || spin.compareTo(MAX_SPIN) > 0) {
            throw new IllegalArgumentException("spin window " + spin.toNanos() / 1000 + " µs is not within 0 and "
                    + MAX_SPIN.toNanos() / 1000 + " µs");
        }
        return spin;
    }

    /**
     * The spin window a {@link #SPIN_PROPERTY} value names: a whole number of microseconds, from 0
     * to 1,000,000; {@link #DEFAULT_SPIN} when the value is null or blank.
     *
     * @throws IllegalArgumentException naming the property and the value when it is not that
     */
    public static Duration spinWindow(String micros) {
        if (micros == null || micros.isBlank()) {
            return DEFAULT_SPIN;
        }
        long value;
        try {
            value = Long.parseLong(micros.strip());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 0 || value > MAX_SPIN.toNanos() / 1000) {
            throw new IllegalArgumentException(SPIN_PROPERTY + " is \"" + micros + "\": it must be a whole number of "
                    + "microseconds from 0 to " + MAX_SPIN.toNanos() / 1000);
        }
        return Duration.ofNanos(value * 1000);
    }

    private static void useNativeWorkDir(Path dir) {
        if (System.getProperty(NATIVE_WORKDIR_PROPERTY) != null) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Netty's native work directory " + dir, e);
        }
        System.setProperty(NATIVE_WORKDIR_PROPERTY, dir.toAbsolutePath().toString());
    }

    /**
     * A channel for a unix socket plugin that is starting now, to be given its address by
     * {@link PreparedChannel#connect}: the reserve when one is ready, else one built now, as
     * the reserve is (call it while the plugin process starts, then). The first readiness check
     * is sent now, with this start's deadline, and goes out as soon as the connection is up.
     * Once this start is over (the plugin answered the first call after its readiness check, or
     * the start failed), the next reserve is made in the background, unless one is ready or on
     * its way: a start that comes while none is ready, or while another took it, builds its own.
     *
     * @param pluginName for messages
     * @param firstCheckDeadline the deadline of that first Health/Check: the most the start may wait
     */
    public PreparedChannel prepare(String pluginName, Duration firstCheckDeadline) {
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(firstCheckDeadline, "firstCheckDeadline");
        PreparedChannel prepared;
        synchronized (this) {
            prepared = reserve;
            reserve = null;
        }
        if (prepared == null) {
            prepared = build();
        }
        try {
            prepared.claim(pluginName, firstCheckDeadline, this::reserveLater);
        } catch (RuntimeException e) {
            prepared.close();
            throw e;
        }
        return prepared;
    }

    /**
     * Builds a channel to a unix socket that is not named yet. The channel leaves idle mode now
     * and makes its connection up to the connect itself, which waits for the address
     * ({@link AwaitedSocket}). Nothing in it runs out while it waits: no call has a deadline
     * yet, the idle timer is off, and Netty's connect timeout is armed only once the held
     * connect goes on to the socket.
     */
    private PreparedChannel build() {
        AwaitedSocket socket = new AwaitedSocket();
        NettyChannelBuilder builder = builder(NettyChannelBuilder.forAddress(AwaitedSocket.PLACEHOLDER)
                .channelFactory(socket, DomainSocketAddress.class))
                // As in connect: a unix socket has no SO_KEEPALIVE.
                .withOption(ChannelOption.SO_KEEPALIVE, null);
        ManagedChannel channel = builder.build();
        try {
            // Out of idle mode now: gRPC makes the connection up to its connect here, not after
            // the handshake.
            channel.getState(true);
            return new PreparedChannel(this, new PluginChannel(channel, group.next(), stdioReader, null, null, null),
                    socket);
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    /**
     * Has the next reserve made on the reserve thread, unless one is ready or on its way. Called
     * when the start that took the last one is over, so that its CPU (a millisecond and more)
     * competes neither with the start of the plugin (whose Go runtime wants both cores of a
     * small machine) nor with the first call its caller waits for.
     */
    private void reserveLater() {
        synchronized (this) {
            if (closed || reserve != null || reserving) {
                return;
            }
            reserving = true;
        }
        try {
            reserveMaker.execute(this::makeReserve);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    /** The reserve if one is ready, unclaimed (for tests). */
    synchronized PreparedChannel readyReserve() {
        return reserve;
    }

    private void makeReserve() {
        PreparedChannel made = null;
        try {
            made = build();
        } catch (RuntimeException e) {
            // No reserve this time: the next start builds its own channel, and says why if it cannot.
        } finally {
            boolean keep;
            synchronized (this) {
                reserving = false;
                keep = made != null && !closed;
                if (keep) {
                    reserve = made;
                }
            }
            if (!keep && made != null) {
                made.close();
            }
        }
    }

    /** {@link #connect(Handshake, String, StdioOutput)} for a channel that opens no GRPCStdio stream. */
    public PluginChannel connect(Handshake handshake, String pluginName) throws IOException {
        return connect(handshake, pluginName, null);
    }

    /**
     * Makes the channel (plaintext HTTP/2 over the handshake's unix socket or tcp address); it
     * opens the broker's StartStream once its start is over, as go-plugin's host opens it once
     * (see {@link PluginChannel}), and go-plugin's GRPCStdio stream with it when given where
     * that goes. Does not wait for the connection: the first call makes it, and
     * {@link PluginChannel#awaitServing} says why when it cannot be made. (A separate wait for
     * the channel's READY state first cost two more thread hand-overs per start.)
     *
     * @param pluginName for messages and thread names
     * @param stdio where what the plugin prints after Serve goes: go-plugin 1.4 and later send it
     *        on plugin.GRPCStdio/StreamStdio only, opened after the first call that follows the
     *        readiness check; null opens no such stream
     * @throws IOException when the handshake names an address or protocol this host cannot use
     */
    public PluginChannel connect(Handshake handshake, String pluginName, StdioOutput stdio) throws IOException {
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(pluginName, "pluginName");
        check(handshake, pluginName);
        NettyChannelBuilder builder;
        switch (handshake.network()) {
            case "unix" -> {
                DomainSocketAddress address = new DomainSocketAddress(handshake.address());
                builder = builder(NettyChannelBuilder.forAddress(address)
                        .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class))
                        // gRPC sets SO_KEEPALIVE, which a unix socket does not have: Netty would
                        // warn about it on every connect.
                        .withOption(ChannelOption.SO_KEEPALIVE, null);
            }
            case "tcp" -> builder = builder(NettyChannelBuilder.forAddress(tcpAddress(handshake.address(), pluginName))
                    .channelType(EpollSocketChannel.class, InetSocketAddress.class));
            default -> throw new IllegalStateException("checked: " + handshake.network());
        }
        ManagedChannel channel = builder.build();
        try {
            return new PluginChannel(channel, group.next(), stdioReader, pluginName, where(handshake), stdio);
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    /** Where the plugin listens, {@code network:address}, for messages. */
    static String where(Handshake handshake) {
        return handshake.network() + ":" + handshake.address();
    }

    /** Refuses a handshake this host cannot use: another protocol, TLS, a network other than unix or tcp. */
    static void check(Handshake handshake, String pluginName) throws IOException {
        if (!"grpc".equals(handshake.protocol())) {
            throw new IOException("plugin " + pluginName + " speaks protocol \"" + handshake.protocol()
                    + "\"; only grpc is supported");
        }
        if (!handshake.serverCert().isEmpty()) {
            throw new IOException("plugin " + pluginName + " offers a TLS certificate (automatic mTLS), "
                    + "which this host never asks for; it speaks plaintext only");
        }
        if (!"unix".equals(handshake.network()) && !"tcp".equals(handshake.network())) {
            throw new IOException("plugin " + pluginName + " listens on network \"" + handshake.network()
                    + "\"; only unix and tcp are supported");
        }
    }

    /** The settings every plugin channel shares, on a builder that has its address and channel type. */
    private NettyChannelBuilder builder(NettyChannelBuilder builder) {
        builder.eventLoopGroup(group)
                .usePlaintext()
                // Answers are handed over on the event loop (blocking calls wake their caller
                // from there): no executor thread in between.
                .directExecutor()
                // Transparent retry wraps every call in a retriable stream; a local plugin has no
                // load balancing or racing connections for it to help with.
                .disableRetry()
                // A direct address has no name service that could hand out a service config.
                .disableServiceConfigLookUp()
                // 30 days switches the idle timer off: the supervisor's health checks keep the
                // channel busy anyway, and the timer was rescheduled on every call.
                .idleTimeout(30, TimeUnit.DAYS);
        if (connectTimeout != null) {
            builder.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()));
        }
        // No census interceptors: nothing here reads gRPC's OpenCensus stats or traces (and the
        // census module is not in the bundle).
        InternalNettyChannelBuilder.setStatsEnabled(builder, false);
        InternalNettyChannelBuilder.setTracingEnabled(builder, false);
        // No keepalive pings: go-plugin's server answers pings more often than every 5 minutes
        // with GOAWAY too_many_pings, and health checks notice a dead plugin anyway.
        return builder;
    }

    private static InetSocketAddress tcpAddress(String address, String pluginName) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IOException("plugin " + pluginName + ": tcp address \"" + address + "\" is not host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IOException("plugin " + pluginName + ": tcp address \"" + address + "\" has no valid port");
        }
        return new InetSocketAddress(host, port);
    }

    /**
     * Closes the reserve channel and the event loop; call after every channel is closed. Waits
     * for a reserve being made, then closes it too.
     */
    @Override
    public void close() {
        PreparedChannel unclaimed;
        boolean wasOpen;
        synchronized (this) {
            wasOpen = !closed;
            closed = true;
            unclaimed = reserve;
            reserve = null;
        }
        reserveMaker.shutdownNow();
        awaitEnd(reserveMaker, reserveThread);
        if (unclaimed != null) {
            unclaimed.close();
        }
        group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
        // After the loop: the streams' last callbacks (their ends) are on the reader's queue by then.
        stdioReader.shutdown();
        awaitEnd(stdioReader, stdioThread);
        try {
            loopThread.join(TimeUnit.SECONDS.toMillis(CLOSE_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wasOpen) {
            ClosedStreamLog.close();
        }
    }

    /** Waits for a pool to end and for its last thread to be really gone (the pool ends while that thread is still ending). */
    private static void awaitEnd(ThreadPoolExecutor pool, AtomicReference<Thread> lastThread) {
        try {
            pool.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Thread last = lastThread.get();
            if (last != null) {
                last.join(TimeUnit.SECONDS.toMillis(CLOSE_TIMEOUT_SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drops what Netty keeps for the calling thread, if Netty did not make it. On such a thread
     * Netty's thread-locals live in one plain ThreadLocal whose value (an InternalThreadLocalMap,
     * a class of this bundle) the thread keeps after the bundle is gone: a host thread that
     * outlives the bundle, such as the plugins folder's worker, would pin this bundle's class
     * loader. Call it on the way out of every entry point that may have used Netty.
     */
    public static void releaseCallingThread() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            FastThreadLocal.removeAll();
        }
    }
}
