package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.goplugin.internal.launch.Handshake;
import io.plugboard.goplugin.internal.launch.StdioOutput;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse.ServingStatus;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto.StdioData;

/**
 * A channel prepared before its plugin listens ({@link PluginChannels#prepare}): it connects once
 * given the handshake's address, with the broker stream and the first check it sent ahead.
 */
public class PreparedChannelTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @ClassRule
    public static final TemporaryFolder SHARED = new TemporaryFolder();

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static PluginChannels channels;

    @BeforeClass
    public static void startChannels() throws Exception {
        channels = new PluginChannels(SHARED.newFolder("native").toPath());
    }

    @AfterClass
    public static void closeChannels() {
        channels.close();
    }

    @Test
    public void preparedBeforeThePluginListensItConnectsOnceGivenTheAddress() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-early", DEADLINE);
        // The plugin starts listening only now, as a real one does after the channel was prepared.
        try (TestPluginServer server = TestPluginServer.unix(socket());
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            // The check sent ahead was the readiness check: awaitServing sent none of its own.
            assertEquals(1, server.healthChecks());
            channel.put("k", new byte[] {7}, DEADLINE);
            assertArrayEquals(new byte[] {7}, channel.get("k", DEADLINE).orElseThrow());
            // Once the start is over: after the first call that followed the readiness check.
            assertTrue("the broker stream opened", server.awaitBrokerOpened(10));
        }
    }

    @Test
    public void aLostConnectionIsMadeAgainToThePluginsSocket() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-again", DEADLINE);
        TestPluginServer first = TestPluginServer.unix(socket());
        try (PluginChannel channel = prepared.connect(first.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            first.close();
            try (TestPluginServer second = TestPluginServer.unix(socket())) {
                // A new connection, made after the address was known: straight to the socket.
                assertTrue(channel.awaitServing(DEADLINE));
                assertTrue(second.healthChecks() > 0);
            }
        } finally {
            first.close();
        }
    }

    @Test
    public void theCheckSentAheadIsWaitedForOnAnotherThreadToo() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-thread", DEADLINE);
        try (TestPluginServer server = TestPluginServer.unix(socket());
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(CompletableFuture.supplyAsync(() -> {
                try {
                    return channel.awaitServing(DEADLINE);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    public void aPluginNotServingYetIsPolledAfterTheCheckSentAhead() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-slow", DEADLINE);
        try (TestPluginServer server = TestPluginServer.unix(socket())) {
            // Before the connect: the check sent ahead goes out as soon as the connection is up.
            server.health(ServingStatus.NOT_SERVING);
            try (PluginChannel channel = prepared.connect(server.handshake())) {
                assertFalse(channel.awaitServing(Duration.ofMillis(200)));
                assertTrue("polled after the first answer", server.healthChecks() > 1);
                server.health(ServingStatus.SERVING);
                assertTrue(channel.awaitServing(DEADLINE));
            }
        }
    }

    @Test
    public void aSocketWithNoServerFailsTheCheckSentAheadWithTheReason() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-late", DEADLINE);
        try {
            PluginChannel channel = prepared.connect(new Handshake(1, 1, "unix", socket().toString(), "grpc", ""));
            try {
                IOException e = assertThrows(IOException.class, () -> channel.awaitServing(DEADLINE));
                assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to plugin kv-late at unix:"
                        + socket() + ": UNAVAILABLE"));
            } finally {
                channel.close();
            }
        } finally {
            prepared.close();
        }
    }

    @Test
    public void aConnectionThatNeverComesUpEndsTheWaitForTheCheckSentAhead() throws Exception {
        // Accepts (the kernel does, from the backlog) but never speaks HTTP/2: the channel never gets ready.
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket()));
            PreparedChannel prepared = channels.prepare("kv-silent", DEADLINE);
            try (PluginChannel channel = prepared.connect(new Handshake(1, 1, "unix", socket().toString(), "grpc", ""))) {
                long start = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> channel.awaitServing(Duration.ofMillis(300)));
                assertEquals("cannot connect to plugin kv-silent at unix:" + socket() + ": no connection within 300 ms",
                        e.getMessage());
                assertTrue("waited for the timeout, not the check's own deadline",
                        System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            }
        }
    }

    @Test
    public void theStdioGivenWithTheAddressIsStreamedOnceTheStartIsOver() throws Exception {
        for (boolean unix : new boolean[] {true, false}) {
            PreparedChannel prepared = channels.prepare("kv-stdio", DEADLINE);
            List<String> chunks = new CopyOnWriteArrayList<>();
            StdioOutput stdio = new StdioOutput() {
                @Override
                public void stdout(byte[] chunk) {
                    chunks.add("out:" + new String(chunk, StandardCharsets.UTF_8));
                }

                @Override
                public void stderr(byte[] chunk) {
                    chunks.add("err:" + new String(chunk, StandardCharsets.UTF_8));
                }

                @Override
                public void ended() {
                }
            };
            // A tcp plugin's channel is one of its own: it gets the stdio too.
            try (TestPluginServer server = unix ? TestPluginServer.unix(socket()) : TestPluginServer.tcp();
                    PluginChannel channel = prepared.connect(server.handshake(), stdio)) {
                server.stdio(StdioData.Channel.STDOUT, "hello\n");
                assertTrue(channel.awaitServing(DEADLINE));
                assertFalse("StreamStdio was opened before the start was over", server.awaitStdioOpened(0));
                channel.put("k", new byte[] {1}, DEADLINE);
                assertTrue("StreamStdio was opened", server.awaitStdioOpened(10));
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (chunks.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(List.of("out:hello\n"), chunks);
            }
        }
    }

    @Test
    public void aTcpPluginGetsAChannelOfItsOwn() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-tcp", DEADLINE);
        try (TestPluginServer server = TestPluginServer.tcp();
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            channel.put("k", new byte[] {1}, DEADLINE);
            assertArrayEquals(new byte[] {1}, channel.get("k", DEADLINE).orElseThrow());
            assertTrue(server.awaitBrokerOpened(10));
        }
    }

    @Test
    public void handshakesThatCannotBeUsedAreRefusedAsConnectRefusesThem() throws Exception {
        Handshake netrpc = new Handshake(1, 1, "unix", "/tmp/x.sock", "netrpc", "");
        String byConnect = assertThrows(IOException.class, () -> channels.connect(netrpc, "p")).getMessage();
        PreparedChannel prepared = channels.prepare("p", DEADLINE);
        assertEquals(byConnect, assertThrows(IOException.class, () -> prepared.connect(netrpc)).getMessage());
        assertEquals("plugin p listens on network \"udp\"; only unix and tcp are supported",
                assertThrows(IOException.class, () -> channels.prepare("p", DEADLINE)
                        .connect(new Handshake(1, 1, "udp", "127.0.0.1:1", "grpc", ""))).getMessage());
    }

    @Test
    public void itIsConnectedOnceAndClosingAfterwardsLeavesTheChannelAlone() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-once", DEADLINE);
        try (TestPluginServer server = TestPluginServer.unix(socket());
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertEquals("the prepared channel of kv-once was used or closed already",
                    assertThrows(IllegalStateException.class, () -> prepared.connect(server.handshake())).getMessage());
            prepared.close();
            assertTrue(channel.awaitServing(DEADLINE));
        }
    }

    @Test
    public void closedUnconnectedItCannotBeConnected() throws Exception {
        PreparedChannel prepared = channels.prepare("kv-gone", DEADLINE);
        prepared.close();
        try (TestPluginServer server = TestPluginServer.unix(socket())) {
            assertThrows(IllegalStateException.class, () -> prepared.connect(server.handshake()));
            assertEquals("nothing reached the server", 0, server.healthChecks());
        }
    }

    private Path socket() {
        return temp.getRoot().toPath().resolve("plugin.sock");
    }
}
