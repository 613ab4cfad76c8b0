package io.plugboard.goplugin.internal.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.StreamObserver;
import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.wire.proto.health.HealthGrpc;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckRequest;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse.ServingStatus;
import io.plugboard.goplugin.internal.wire.proto.kv.KVGrpc;
import io.plugboard.goplugin.internal.wire.proto.kv.KvProto;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCBrokerGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCControllerGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcBrokerProto.ConnInfo;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcControllerProto;
import io.plugboard.goplugin.internal.wire.proto.plugin.GRPCStdioGrpc;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto.StdioData;

/**
 * A go-plugin KV plugin's gRPC side, served from this JVM over a real unix socket (or tcp) with
 * Netty's epoll transport: KV on an in-memory map, Health, GRPCController/Shutdown (stops the
 * server as go-plugin does, under the call), GRPCBroker/StartStream (recorded) and, unless made
 * without it as go-plugin 1.0.1 is, go-plugin 1.4's GRPCStdio/StreamStdio (sends the chunks given
 * to {@link #stdio}, then stays open).
 *
 * <p>Keys with meaning: {@code hang...} is never answered; {@code error:MESSAGE} fails with
 * status UNKNOWN and MESSAGE, as a Go plugin's returned error does.
 */
final class TestPluginServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Server server;
    private final Handshake handshake;
    private final Map<String, ByteString> values = new ConcurrentHashMap<>();
    private final CountDownLatch brokerOpened = new CountDownLatch(1);
    private final CountDownLatch brokerEnded = new CountDownLatch(1);
    private final List<StdioData> stdioChunks = new CopyOnWriteArrayList<>();
    private final CountDownLatch stdioOpened = new CountDownLatch(1);
    private volatile ServingStatus health = ServingStatus.SERVING;
    private final AtomicInteger healthChecks = new AtomicInteger();
    /** For each Health/Check, the milliseconds its deadline had left when it came (-1: none). */
    private final List<Long> checkDeadlines = new CopyOnWriteArrayList<>();

    private TestPluginServer(SocketAddress address, Class<? extends ServerChannel> channelType, String network,
            boolean servesStdio) throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-plugin-server", true),
                EpollIoHandler.newFactory());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelType(channelType)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .directExecutor()
                // gRPC sets SO_KEEPALIVE on accepted connections, which unix sockets do not have.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .addService(new Kv())
                .addService(new Health())
                .addService(new Controller())
                .addService(new Broker());
        if (servesStdio) {
            builder.addService(new Stdio());
        }
        server = builder.build().start();
        String where = address instanceof DomainSocketAddress unix ? unix.path()
                : "127.0.0.1:" + ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        handshake = new Handshake(1, 1, network, where, "grpc", "");
    }

    /** Serves on a unix socket at the path. */
    static TestPluginServer unix(Path socket) throws IOException {
        return new TestPluginServer(new DomainSocketAddress(socket.toString()), EpollServerDomainSocketChannel.class,
                "unix", true);
    }

    /** Serves on a unix socket at the path, without GRPCStdio, as a go-plugin 1.0.1 plugin does. */
    static TestPluginServer unixWithoutStdio(Path socket) throws IOException {
        return new TestPluginServer(new DomainSocketAddress(socket.toString()), EpollServerDomainSocketChannel.class,
                "unix", false);
    }

    /** Serves on a free tcp port of the loopback address. */
    static TestPluginServer tcp() throws IOException {
        return new TestPluginServer(new InetSocketAddress("127.0.0.1", 0), EpollServerSocketChannel.class, "tcp",
                true);
    }

    /** Queues a chunk for the GRPCStdio stream, which sends the queued chunks when it opens; call before. */
    void stdio(StdioData.Channel channel, String text) {
        stdioChunks.add(StdioData.newBuilder().setChannel(channel)
                .setData(ByteString.copyFromUtf8(text)).build());
    }

    /** Whether a client opened the GRPCStdio stream within the timeout. */
    boolean awaitStdioOpened(long seconds) throws InterruptedException {
        return stdioOpened.await(seconds, TimeUnit.SECONDS);
    }

    /** The handshake a plugin serving here would print. */
    Handshake handshake() {
        return handshake;
    }

    void health(ServingStatus status) {
        health = status;
    }

    /** How many Health/Check calls for "plugin" came. */
    int healthChecks() {
        return healthChecks.get();
    }

    /** For each Health/Check so far, the milliseconds its deadline had left when it came (-1: none). */
    List<Long> checkDeadlines() {
        return List.copyOf(checkDeadlines);
    }

    /** Whether a client opened the broker stream within the timeout. */
    boolean awaitBrokerOpened(long seconds) throws InterruptedException {
        return brokerOpened.await(seconds, TimeUnit.SECONDS);
    }

    /** Whether the broker stream ended (cancelled by the client) within the timeout. */
    boolean awaitBrokerEnded(long seconds) throws InterruptedException {
        return brokerEnded.await(seconds, TimeUnit.SECONDS);
    }

    /** Whether the server stopped within the timeout. */
    boolean awaitTermination(long seconds) throws InterruptedException {
        return server.awaitTermination(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 10, TimeUnit.SECONDS).await(11, TimeUnit.SECONDS);
    }

    private final class Kv extends KVGrpc.KVImplBase {

        @Override
        public void get(KvProto.GetRequest request, StreamObserver<KvProto.GetResponse> response) {
            String key = request.getKey();
            if (answeredSpecially(key, response)) {
                return;
            }
            ByteString value = values.get(key);
            if (value == null) {
                response.onError(Status.NOT_FOUND.withDescription("no key " + key).asRuntimeException());
                return;
            }
            response.onNext(KvProto.GetResponse.newBuilder().setValue(value).build());
            response.onCompleted();
        }

        @Override
        public void put(KvProto.PutRequest request, StreamObserver<KvProto.Empty> response) {
            if (answeredSpecially(request.getKey(), response)) {
                return;
            }
            values.put(request.getKey(), request.getValue());
            response.onNext(KvProto.Empty.getDefaultInstance());
            response.onCompleted();
        }

        private boolean answeredSpecially(String key, StreamObserver<?> response) {
            if (key.startsWith("hang")) {
                return true;
            }
            if (key.startsWith("error:")) {
                response.onError(Status.UNKNOWN.withDescription(key.substring("error:".length())).asRuntimeException());
                return true;
            }
            return false;
        }
    }

    private final class Health extends HealthGrpc.HealthImplBase {

        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
            if (!request.getService().equals("plugin")) {
                response.onError(Status.NOT_FOUND.withDescription("unknown service " + request.getService())
                        .asRuntimeException());
                return;
            }
            Deadline deadline = Context.current().getDeadline();
            checkDeadlines.add(deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS));
            healthChecks.incrementAndGet();
            response.onNext(HealthCheckResponse.newBuilder().setStatus(health).build());
            response.onCompleted();
        }
    }

    private final class Controller extends GRPCControllerGrpc.GRPCControllerImplBase {

        @Override
        public void shutdown(GrpcControllerProto.Empty request, StreamObserver<GrpcControllerProto.Empty> response) {
            // As go-plugin 1.0.1 does: server.Stop() before the answer, so the caller sees the
            // connection close under its call.
            server.shutdownNow();
        }
    }

    private final class Broker extends GRPCBrokerGrpc.GRPCBrokerImplBase {

        @Override
        public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> response) {
            brokerOpened.countDown();
            return new StreamObserver<>() {
                @Override
                public void onNext(ConnInfo value) {
                }

                @Override
                public void onError(Throwable t) {
                    brokerEnded.countDown();
                }

                @Override
                public void onCompleted() {
                    brokerEnded.countDown();
                    response.onCompleted();
                }
            };
        }
    }

    private final class Stdio extends GRPCStdioGrpc.GRPCStdioImplBase {

        @Override
        public void streamStdio(GrpcStdioProto.StdioEmpty request, StreamObserver<StdioData> response) {
            stdioOpened.countDown();
            stdioChunks.forEach(response::onNext);
            // Open until the client goes, as go-plugin's stream is for the plugin's life.
        }
    }
}
