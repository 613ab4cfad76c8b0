package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.UnsafeByteOperations;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.plugboard.goplugin.internal.launch.StdioOutput;
import io.plugboard.goplugin.internal.wire.KvCallException.Kind;
import io.plugboard.goplugin.internal.wire.proto.health.HealthGrpc;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckRequest;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse.ServingStatus;
import io.plugboard.goplugin.internal.wire.proto.kv.KVGrpc;
import io.plugboard.goplugin.internal.wire.proto.kv.KvProto.GetRequest;
import io.plugboard.goplugin.internal.wire.proto.kv.KvProto.PutRequest;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCBrokerGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCControllerGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCStdioGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcBrokerProto.ConnInfo;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcControllerProto.Empty;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto.StdioData;

/**
 * The gRPC connection to one plugin process; made by {@link PluginChannels}. Thread-safe: any
 * number of threads may call at once. Calls go straight through the generated method
 * descriptors (see {@link #unary}), without stubs: a stub's {@code withDeadlineAfter} would copy
 * the stub on every call.
 */
public final class PluginChannel implements AutoCloseable {

    /** go-plugin's server reports its own health under this service name. */
    private static final HealthCheckRequest PLUGIN_HEALTH = HealthCheckRequest.newBuilder().setService("plugin").build();

    /** Part of the message go-plugin's example KV plugin returns for a key it has no file for. */
    private static final String MISSING_FILE = "no such file or directory";
    /** go-plugin's gRPC server keeps grpc-go's default limit on what it receives; grpc-java has the same on answers. */
    static final long GO_PLUGIN_MAX_MESSAGE = 4 << 20;
    /** grpc-go refusing a request: "grpc: received message larger than max (5000010 vs. 4194304)"; size, limit. */
    private static final Pattern REQUEST_TOO_LARGE = Pattern.compile("message larger than max \\((\\d+) vs\\. (\\d+)\\)");
    /** grpc-java refusing an answer: "gRPC message exceeds maximum size 4194304: 4500005"; limit, size. */
    private static final Pattern ANSWER_TOO_LARGE = Pattern.compile("message exceeds maximum size (\\d+): (\\d+)");

    /** The first pause between health checks while waiting for a plugin to serve; doubles. */
    private static final long FIRST_POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final long MAX_POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Bounds the wait for a closed channel's resources; shutdownNow leaves nothing to wait for. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ManagedChannel channel;
    /** For messages; set once more when a channel made ahead of any plugin is claimed for one. */
    private volatile String pluginName;
    /** Where the plugin listens, {@code network:address}, for messages; set once for a prepared channel. */
    private volatile String where;
    /**
     * go-plugin's broker stream, opened on the event loop once the start is over (see
     * {@link #startIsOver}); null before, and for a channel whose plugin never served.
     */
    private volatile ClientCall<ConnInfo, ConnInfo> brokerStream;
    /** Set when a readiness check found the plugin serving: the next call's end opens the broker stream. */
    private volatile boolean brokerDue;
    /**
     * Where go-plugin's GRPCStdio stream goes, opened with the broker stream; null: not opened. Given
     * with the plugin's address: at construction, or when a prepared channel is handed it.
     */
    private volatile StdioOutput stdio;
    /** That stream, once opened (on the event loop); null before. */
    private volatile ClientCall<GrpcStdioProto.StdioEmpty, StdioData> stdioStream;
    private volatile boolean closed;
    /** The channel's event loop, where calls start. */
    private final Executor loop;
    /** Where the GRPCStdio stream's chunks are handed on: lines are logged off the event loop. */
    private final Executor stdioReader;
    /** Whether a health check got an answer from the plugin: the connection was made once. */
    private volatile boolean reached;
    /** The readiness check a prepared channel sent ahead, until awaitServing takes its answer. */
    private volatile SentCheck firstCheck;

    /**
     * Runs once when the start that claimed this channel is over: the plugin answered the first
     * call after its readiness check (its first caller's wait is over too), or the start failed,
     * or the channel closed. Null for a channel not claimed, and once it ran.
     */
    private final AtomicReference<Runnable> startOver = new AtomicReference<>();

    /**
     * @param pluginName null for a channel made ahead of any plugin (see {@link #claimedBy})
     * @param where null for a channel made ahead of any plugin (see {@link #addressed})
     * @param stdio where go-plugin's GRPCStdio stream goes, opened once the start is over; null opens none
     */
    PluginChannel(ManagedChannel channel, Executor loop, Executor stdioReader, String pluginName, String where,
            StdioOutput stdio) {
        this.channel = channel;
        this.loop = Objects.requireNonNull(loop, "loop");
        this.stdioReader = Objects.requireNonNull(stdioReader, "stdioReader");
        this.pluginName = pluginName;
        this.where = where;
        this.stdio = stdio;
    }

    /** Names the plugin a channel made ahead of it was claimed for. */
    void claimedBy(String name) {
        pluginName = name;
    }

    /** The plugin's name; null for a channel made ahead of any plugin and not claimed yet. */
    String pluginName() {
        return pluginName;
    }

    /**
     * What runs once when the start that claimed this channel is over: the plugin answered the
     * first call after its readiness check, or awaitServing did not see it serve, or the channel
     * closed.
     */
    void whenStartIsOver(Runnable action) {
        startOver.set(action);
    }

    /** Takes what was to run when the start is over, for another channel to run it (null: nothing). */
    Runnable takeStartOver() {
        return startOver.getAndSet(null);
    }

    /**
     * The start is over: once the plugin served, the end of the next call opens the broker stream
     * (and the GRPCStdio stream); runs the claim's action. The streams go out after that call, not
     * with the readiness check: nothing a KV plugin does needs them before, and go-plugin's client
     * opens the broker from a goroutine of its own too. Sent with the check, the broker stream was
     * one more stream to set up, on both sides, while the start waited. What a plugin prints
     * meanwhile waits in its pipe.
     */
    private void startIsOver() {
        if (brokerDue) {
            brokerDue = false;
            openStreamsSoon();
        }
        if (startOver.get() == null) {
            return; // every call but the first after a start: two volatile reads
        }
        Runnable action = startOver.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    /** Opens the broker and GRPCStdio streams on the event loop, off the caller's path; once, and not after close. */
    private void openStreamsSoon() {
        try {
            loop.execute(() -> {
                if (!closed && brokerStream == null) {
                    brokerStream = openBrokerStream(channel);
                }
                StdioOutput output = stdio;
                if (!closed && output != null && stdioStream == null) {
                    stdioStream = openStdioStream(channel, stdioReader, output);
                }
            });
        } catch (RejectedExecutionException e) {
            // The connections are closed: there is no stream to open.
        }
    }

    /**
     * Names the address of a prepared channel, once the handshake gave it, and where go-plugin's
     * GRPCStdio stream goes (null opens none): before its readiness check is answered, as the stream
     * is opened after the first call that follows it.
     */
    void addressed(String address, StdioOutput output) {
        where = address;
        stdio = output;
    }

    /**
     * Sends the first readiness check now, before the channel has its address (it waits inside
     * the channel until the connection is up); the next {@link #awaitServing} takes its answer
     * instead of sending a check of its own.
     */
    void sendFirstCheck(Duration deadline) {
        UnaryAnswer<HealthCheckResponse> answer = new UnaryAnswer<>(Thread.currentThread());
        ClientCall<HealthCheckRequest, HealthCheckResponse> call = startUnary(channel, loop, HealthGrpc.getCheckMethod(),
                options(deadline), PLUGIN_HEALTH, answer);
        firstCheck = new SentCheck(call, answer);
    }

    /** A call started ahead, and its answer. */
    private record SentCheck(ClientCall<HealthCheckRequest, HealthCheckResponse> call,
            UnaryAnswer<HealthCheckResponse> answer) {
    }

    /**
     * go-plugin's host keeps plugin.GRPCBroker/StartStream open for the plugin's whole life (a
     * plugin that brokers connections back to the host sends ConnInfo on it). A KV plugin never
     * sends anything; whatever comes is read and dropped, and the stream ends with the channel.
     * Opened once, when the start is over ({@link #startIsOver}).
     */
    private static ClientCall<ConnInfo, ConnInfo> openBrokerStream(ManagedChannel channel) {
        ClientCall<ConnInfo, ConnInfo> call = channel.newCall(GRPCBrokerGrpc.getStartStreamMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
        }, new Metadata());
        // Asking for all messages up front means the listener never touches the call, which
        // only close() does then (ClientCall is not thread-safe).
        call.request(Integer.MAX_VALUE);
        return call;
    }

    /**
     * go-plugin's host calls plugin.GRPCStdio/StreamStdio once, at the start, and copies what comes
     * to its own output: go-plugin 1.4 and later send on it what the plugin writes to os.Stdout and
     * os.Stderr, which otherwise fills a pipe nobody reads until the plugin blocks on a write. A
     * plugin without the service (go-plugin 1.0.1, kv-go) answers UNIMPLEMENTED, which ends it.
     * The listener runs on the stdio reader and asks for one chunk at a time, after it handed the
     * last one on: a plugin that prints faster than its lines are logged waits, as on a full pipe,
     * once the stream's HTTP/2 flow-control window is full.
     */
    private static ClientCall<GrpcStdioProto.StdioEmpty, StdioData> openStdioStream(ManagedChannel channel,
            Executor reader, StdioOutput output) {
        ClientCall<GrpcStdioProto.StdioEmpty, StdioData> call = channel.newCall(GRPCStdioGrpc.getStreamStdioMethod(),
                CallOptions.DEFAULT.withExecutor(reader));
        call.start(new StdioListener(call, output), new Metadata());
        call.sendMessage(GrpcStdioProto.StdioEmpty.getDefaultInstance());
        call.halfClose();
        call.request(1);
        return call;
    }

    /** Hands the GRPCStdio stream's chunks on, one at a time. */
    private static final class StdioListener extends ClientCall.Listener<StdioData> {

        private final ClientCall<?, StdioData> call;
        private final StdioOutput output;

        StdioListener(ClientCall<?, StdioData> call, StdioOutput output) {
            this.call = call;
            this.output = output;
        }

        @Override
        public void onMessage(StdioData message) {
            try {
                switch (message.getChannel()) {
                    case STDOUT -> output.stdout(message.getData().toByteArray());
                    case STDERR -> output.stderr(message.getData().toByteArray());
                    default -> {
                        // INVALID or a channel a later go-plugin adds: nothing to mirror.
                    }
                }
            } catch (RuntimeException e) {
                // The stream must go on whatever the receiver does, or the plugin blocks on its next write.
            }
            // ClientCall.request may be called from any thread.
            call.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            try {
                output.ended();
            } catch (RuntimeException e) {
                // Nothing more to hand on.
            }
        }
    }

    /**
     * Waits until grpc.health.v1.Health/Check for service "plugin" answers SERVING; false if not
     * within the timeout. Until a check got an answer, the check is what connects (see
     * {@link PluginChannels#connect}), without wait-for-ready: a connection that fails ends the
     * check, and this, with the reason. The first check of a prepared channel was sent ahead
     * ({@link PluginChannels#prepare}); this waits for its answer.
     *
     * @throws IOException naming the plugin, its address and the reason when the channel never
     *         connected: the connection failed (say, no socket file, or refused), or was not
     *         made within the timeout
     */
    public boolean awaitServing(Duration timeout) throws IOException {
        boolean serving = false;
        try {
            serving = awaitServingUntil(timeout);
            if (serving && brokerStream == null) {
                brokerDue = true;
            }
            return serving;
        } finally {
            // A plugin that serves is over its start with its first call.
            if (!serving) {
                startIsOver();
            }
        }
    }

    private boolean awaitServingUntil(Duration timeout) throws IOException {
        long end = System.nanoTime() + positiveNanos(timeout, "timeout");
        long pause = FIRST_POLL_PAUSE_NANOS;
        while (true) {
            long remaining = end - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            SentCheck sent = firstCheck;
            if (sent != null) {
                firstCheck = null;
                if (sentServing(sent, end, timeout)) {
                    return true;
                }
            } else {
                CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(remaining, TimeUnit.NANOSECONDS);
                // Once connected, wait for ready: a connection that is coming back is waited for, not failed.
                if (reached ? serving(options.withWaitForReady()) : firstServing(options, timeout)) {
                    return true;
                }
            }
            remaining = end - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, remaining));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            pause = Math.min(pause * 2, MAX_POLL_PAUSE_NANOS);
        }
    }

    /** A check that may be the one that connects: true only for SERVING; throws if the connection fails. */
    private boolean firstServing(CallOptions options, Duration timeout) throws IOException {
        try {
            return check(options);
        } catch (StatusRuntimeException e) {
            return notServing(e, timeout);
        }
    }

    /** The check sent ahead, as {@link #firstServing}, waited for until {@code end} at most. */
    private boolean sentServing(SentCheck sent, long end, Duration timeout) throws IOException {
        if (!sent.answer().awaitUntil(end)) {
            cancel(loop, sent.call(), "no answer in time");
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            // Time is up, as when a check's own deadline passes.
            return notServing(Status.DEADLINE_EXCEEDED.asRuntimeException(), timeout);
        }
        try {
            boolean serving = sent.answer().value().getStatus() == ServingStatus.SERVING;
            reached = true;
            return serving;
        } catch (StatusRuntimeException e) {
            return notServing(e, timeout);
        }
    }

    /** Why a first check failed: throws if the connection did not come up; false if the plugin answered. */
    private boolean notServing(StatusRuntimeException e, Duration timeout) throws IOException {
        Status status = e.getStatus();
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            throw new IOException("cannot connect to plugin " + pluginName + " at " + where + ": "
                    + describe(status), e);
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
                && channel.getState(false) != ConnectivityState.READY) {
            throw new IOException("cannot connect to plugin " + pluginName + " at " + where
                    + ": no connection within " + timeout.toMillis() + " ms", e);
        }
        // CANCELLED is this side's (an interrupted wait); any other status is the plugin's
        // answer (say, UNIMPLEMENTED): it was reached.
        reached = status.getCode() != Status.Code.CANCELLED;
        return false;
    }

    /** One Health/Check for "plugin" with the deadline: true only for SERVING. */
    public boolean healthy(Duration deadline) {
        try {
            return serving(options(deadline));
        } finally {
            startIsOver();
        }
    }

    private boolean serving(CallOptions options) {
        try {
            return check(options);
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    /** One Health/Check for "plugin": true only for SERVING; an answer means the plugin was reached. */
    private boolean check(CallOptions options) {
        boolean serving = unary(channel, loop, HealthGrpc.getCheckMethod(), options, PLUGIN_HEALTH).getStatus()
                == ServingStatus.SERVING;
        reached = true;
        return serving;
    }

    /** Calls plugin.GRPCController/Shutdown and treats any status as sent. */
    public void shutdown(Duration deadline) {
        CallOptions options = options(deadline);
        try {
            unary(channel, loop, GRPCControllerGrpc.getShutdownMethod(), options, Empty.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            // go-plugin stops its gRPC server inside the call, so the answer is usually a closed
            // connection (UNAVAILABLE); whatever it is, the request went out.
        }
        startIsOver();
    }

    /** KV Get (proto.KV/Get) with the deadline; empty for a missing key (NOT_FOUND, or "no such file or directory"). */
    public Optional<byte[]> get(String key, Duration deadline) throws KvCallException {
        Objects.requireNonNull(key, "key");
        CallOptions options = options(deadline);
        try {
            return Optional.of(unary(channel, loop, KVGrpc.getGetMethod(), options, GetRequest.newBuilder().setKey(key).build())
                    .getValue().toByteArray());
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            if (status.getCode() == Status.Code.NOT_FOUND
                    || kind(status) == Kind.PLUGIN_ERROR && status.getDescription() != null
                            && status.getDescription().contains(MISSING_FILE)) {
                return Optional.empty();
            }
            long[] limitAndSize = sizes(ANSWER_TOO_LARGE, status);
            if (limitAndSize != null) {
                throw new KvCallException(Kind.TOO_LARGE, pluginName + " cannot hand over the value of key \"" + key
                        + "\": the answer is " + limitAndSize[1] + " bytes, and the host takes gRPC messages up to "
                        + bytes(limitAndSize[0]) + ", as go-plugin's gRPC server does; a put of a smaller value replaces it",
                        e);
            }
            throw failure("Get", key, deadline, e);
        } finally {
            startIsOver();
        }
    }

    /**
     * KV Put (proto.KV/Put) with the deadline. The value is sent as it is, not copied: it is
     * serialised before this returns, so the caller must only not change it during the call.
     */
    public void put(String key, byte[] value, Duration deadline) throws KvCallException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        CallOptions options = options(deadline);
        PutRequest request = PutRequest.newBuilder().setKey(key).setValue(UnsafeByteOperations.unsafeWrap(value)).build();
        try {
            unary(channel, loop, KVGrpc.getPutMethod(), options, request);
        } catch (StatusRuntimeException e) {
            long[] sizeAndLimit = sizes(REQUEST_TOO_LARGE, e.getStatus());
            if (sizeAndLimit != null) {
                // Go's words ("grpc: received message larger than max (5000010 vs. 4194304)") name no value.
                long limit = sizeAndLimit[1];
                throw new KvCallException(Kind.TOO_LARGE, pluginName + " cannot take a value of " + value.length
                        + " bytes: " + (limit == GO_PLUGIN_MAX_MESSAGE ? "go-plugin's" : "its")
                        + " gRPC server takes messages up to " + bytes(limit), e);
            }
            throw failure("Put", key, deadline, e);
        } finally {
            startIsOver();
        }
    }

    /**
     * One unary call, waited for. Not {@link ClientCalls#blockingUnaryCall}: that one runs the
     * answer's callbacks on the waiting thread, and the event loop wakes it once per callback
     * (headers, message, trailers), where this completes the call on the event loop (the channel
     * has a direct executor) and wakes the caller once, only if it parked.
     *
     * <p>The call is started on the event loop too, in one task: started on the calling thread,
     * gRPC hands the loop a task for request(), one for the flush, and the deadline's timer, and
     * each can wake the loop from epoll on its own (an eventfd write each). There, they are
     * plain method calls.
     *
     * @param loop the event loop of the channel
     */
    static <Q, R> R unary(ManagedChannel channel, Executor loop, MethodDescriptor<Q, R> method, CallOptions options,
            Q request) {
        UnaryAnswer<R> answer = new UnaryAnswer<>(Thread.currentThread());
        ClientCall<Q, R> call = startUnary(channel, loop, method, options, request, answer);
        if (!answer.await()) {
            cancel(loop, call, "interrupted");
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted while waiting for the plugin").asRuntimeException();
        }
        return answer.value();
    }

    /** Starts a unary call on the event loop, its answer going to {@code answer}. */
    private static <Q, R> ClientCall<Q, R> startUnary(ManagedChannel channel, Executor loop,
            MethodDescriptor<Q, R> method, CallOptions options, Q request, UnaryAnswer<R> answer) {
        ClientCall<Q, R> call = channel.newCall(method, options);
        try {
            loop.execute(() -> {
                try {
                    send(call, answer, request);
                } catch (RuntimeException | Error e) {
                    answer.fail(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw Status.UNAVAILABLE.withDescription("the plugin connections are closed").withCause(e)
                    .asRuntimeException();
        }
        return call;
    }

    /** Cancels the call on the event loop (a ClientCall is not thread-safe). */
    private static void cancel(Executor loop, ClientCall<?, ?> call, String reason) {
        try {
            loop.execute(() -> call.cancel(reason, null));
        } catch (RejectedExecutionException e) {
            // The loop is gone, and the call with it.
        }
    }

    /** Starts the call and sends the request; on failure, cancels the call and throws. */
    private static <Q, R> void send(ClientCall<Q, R> call, UnaryAnswer<R> answer, Q request) {
        try {
            call.start(answer, new Metadata());
            call.sendMessage(request);
            call.halfClose();
            // Two, not one: a second message is an error (UnaryAnswer.onMessage), as in ClientCalls.
            // Last: off the event loop it is a task of its own, which then rides on the flush's wakeup.
            call.request(2);
        } catch (RuntimeException | Error e) {
            call.cancel(null, e);
            throw e;
        }
    }

    private KvCallException failure(String method, String key, Duration deadline, StatusRuntimeException e) {
        Status status = e.getStatus();
        Kind kind = kind(status);
        String message = switch (kind) {
            case DEADLINE -> "plugin " + pluginName + " did not answer KV " + method + " of key \"" + key + "\" within "
                    + deadline.toMillis() + " ms";
            case UNAVAILABLE -> "plugin " + pluginName + " cannot be reached for KV " + method + " of key \"" + key
                    + "\": " + describe(status);
            // The plugin's own words, as they are: they are what its user needs to see. (kind() gives no
            // TOO_LARGE: get and put word those themselves, with the key or the value's size.)
            case PLUGIN_ERROR, TOO_LARGE -> status.getDescription() != null ? status.getDescription() : status.getCode().toString();
        };
        return new KvCallException(kind, message, e);
    }

    /**
     * The two numbers of a RESOURCE_EXHAUSTED status's description, as the pattern's two groups
     * order them; null for any other status or description.
     */
    private static long[] sizes(Pattern pattern, Status status) {
        // The code first: the pattern is matched only for a status that may be about a size.
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
            return null;
        }
        Matcher matcher = pattern.matcher(String.valueOf(status.getDescription()));
        if (!matcher.find()) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 4 MiB (4194304 bytes)}, or {@code 1000 bytes} for a size that is no whole number of MiB. */
    private static String bytes(long size) {
        return size > 0 && size % (1 << 20) == 0 ? size / (1 << 20) + " MiB (" + size + " bytes)" : size + " bytes";
    }

    static Kind kind(Status status) {
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> Kind.DEADLINE;
            // CANCELLED: the call was cut off here (closed channel, interrupted caller).
            case UNAVAILABLE, CANCELLED -> Kind.UNAVAILABLE;
            // grpc-netty reports a connection that closed under a call as UNKNOWN "channel closed"
            // (a ClosedChannelException): the plugin did not answer, it went away.
            case UNKNOWN -> closedChannel(status.getCause()) ? Kind.UNAVAILABLE : Kind.PLUGIN_ERROR;
            default -> Kind.PLUGIN_ERROR;
        };
    }

    private static boolean closedChannel(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    /** A status in one line: code, description and the cause gRPC saw (such as the socket error). */
    static String describe(Status status) {
        StringBuilder text = new StringBuilder(status.getCode().toString());
        if (status.getDescription() != null) {
            text.append(' ').append(status.getDescription());
        }
        // gRPC wraps the socket's error; the innermost one tells most. Netty throws some without
        // a message (a missing socket file is a bare FileNotFoundException): their type tells.
        String detail = null;
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            detail = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        }
        if (detail != null) {
            text.append(" (").append(detail).append(')');
        }
        return text.toString();
    }

    /** Call options with the deadline, checked. */
    static CallOptions options(Duration deadline) {
        return CallOptions.DEFAULT.withDeadlineAfter(positiveNanos(deadline, "deadline"), TimeUnit.NANOSECONDS);
    }

    private static long positiveNanos(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        // Durations past 292 years do not fit in nanoseconds; they mean "no limit" anyway.
        return duration.compareTo(Duration.ofDays(365L * 100)) > 0 ? TimeUnit.DAYS.toNanos(365L * 100)
                : duration.toNanos();
    }

    /** Closes the channel at once (no graceful wait). */
    @Override
    public void close() {
        closed = true;
        startIsOver();
        // On the event loop, where the streams were started (a ClientCall is not thread-safe);
        // shutdownNow below ends any call the loop starts after this, too.
        for (ClientCall<?, ?> stream : new ClientCall<?, ?>[] {brokerStream, stdioStream}) {
            if (stream != null) {
                cancel(loop, stream, "plugin channel closed");
            }
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
