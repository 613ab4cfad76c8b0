package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.goplugin.internal.launch.StdioOutput;
import io.plugboard.goplugin.internal.wire.KvCallException.Kind;
import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse.ServingStatus;
import io.plugboard.goplugin.internal.wire.proto.plugin.GrpcStdioProto.StdioData;

/** PluginChannel against a real gRPC server on a real unix socket. */
public class PluginChannelTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @ClassRule
    public static final TemporaryFolder SHARED = new TemporaryFolder();

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static PluginChannels channels;
    private TestPluginServer server;
    private PluginChannel channel;

    @BeforeClass
    public static void startChannels() throws Exception {
        channels = new PluginChannels(SHARED.newFolder("native").toPath());
    }

    @AfterClass
    public static void closeChannels() {
        channels.close();
    }

    @Before
    public void connect() throws Exception {
        server = TestPluginServer.unix(temp.getRoot().toPath().resolve("plugin.sock"));
        channel = channels.connect(server.handshake(), "kv-test");
    }

    @After
    public void close() throws Exception {
        channel.close();
        server.close();
    }

    @Test
    public void putThenGetGivesTheSameBytes() throws Exception {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        channel.put("every-byte", every, DEADLINE);
        assertArrayEquals(every, channel.get("every-byte", DEADLINE).orElseThrow());
    }

    @Test
    public void anEmptyValueIsStoredAndFound() throws Exception {
        channel.put("empty", new byte[0], DEADLINE);
        Optional<byte[]> value = channel.get("empty", DEADLINE);
        assertTrue("an empty value is a value, not a missing key", value.isPresent());
        assertEquals(0, value.get().length);
    }

    @Test
    public void aOneMebibyteValueComesBackByteForByte() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(5).nextBytes(big);
        channel.put("big", big, DEADLINE);
        assertArrayEquals(big, channel.get("big", DEADLINE).orElseThrow());
    }

    @Test
    public void aLaterPutReplacesTheValue() throws Exception {
        channel.put("k", new byte[] {1}, DEADLINE);
        channel.put("k", new byte[] {2, 3}, DEADLINE);
        assertArrayEquals(new byte[] {2, 3}, channel.get("k", DEADLINE).orElseThrow());
    }

    @Test
    public void aMissingKeyIsEmpty() throws Exception {
        assertEquals(Optional.empty(), channel.get("never-put", DEADLINE));
    }

    @Test
    public void theExamplePluginsMissingFileErrorIsAMissingKey() throws Exception {
        // go-plugin's example KV plugin answers Get of an unknown key with ReadFile's error.
        assertEquals(Optional.empty(), channel.get("error:open kv_x: no such file or directory", DEADLINE));
    }

    @Test
    public void aPluginErrorOnGetCarriesThePluginsMessage() {
        KvCallException e = assertThrows(KvCallException.class, () -> channel.get("error:disk on fire", DEADLINE));
        assertEquals(Kind.PLUGIN_ERROR, e.kind());
        assertEquals("disk on fire", e.getMessage());
    }

    @Test
    public void aPluginErrorOnPutCarriesThePluginsMessage() {
        KvCallException e = assertThrows(KvCallException.class,
                () -> channel.put("error:read-only store", new byte[] {1}, DEADLINE));
        assertEquals(Kind.PLUGIN_ERROR, e.kind());
        assertEquals("read-only store", e.getMessage());
    }

    @Test
    public void aHandlerThatNeverAnswersEndsAtTheDeadline() {
        KvCallException get = assertThrows(KvCallException.class, () -> channel.get("hang", Duration.ofMillis(200)));
        assertEquals(Kind.DEADLINE, get.kind());
        assertEquals("plugin kv-test did not answer KV Get of key \"hang\" within 200 ms", get.getMessage());
        KvCallException put = assertThrows(KvCallException.class,
                () -> channel.put("hang", new byte[] {1}, Duration.ofMillis(200)));
        assertEquals(Kind.DEADLINE, put.kind());
    }

    @Test
    public void anInterruptedCallerStopsWaitingAndKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        KvCallException e = assertThrows(KvCallException.class, () -> channel.get("hang", DEADLINE));
        assertTrue("the interrupt is still set", Thread.interrupted());
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().endsWith("CANCELLED interrupted while waiting for the plugin"));
    }

    @Test
    public void aCallToAServerThatIsGoneIsUnavailable() throws Exception {
        server.close();
        KvCallException e = assertThrows(KvCallException.class, () -> channel.get("k", DEADLINE));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("plugin kv-test cannot be reached for KV Get of key \"k\": UNAVAILABLE"));
    }

    @Test
    public void aCallOnAClosedChannelIsUnavailable() {
        channel.close();
        KvCallException e = assertThrows(KvCallException.class, () -> channel.put("k", new byte[] {1}, DEADLINE));
        assertEquals(Kind.UNAVAILABLE, e.kind());
    }

    @Test
    public void aCallAfterTheEventLoopClosedIsUnavailable() throws Exception {
        // Calls start on the event loop: with it gone, a call fails at once instead of hanging.
        PluginChannels own = new PluginChannels(temp.newFolder("own-native").toPath());
        PluginChannel orphan = own.connect(server.handshake(), "kv-orphan");
        try {
            own.close();
            KvCallException e = assertThrows(KvCallException.class, () -> orphan.get("k", DEADLINE));
            assertEquals(Kind.UNAVAILABLE, e.kind());
            assertEquals("plugin kv-orphan cannot be reached for KV Get of key \"k\": UNAVAILABLE the plugin"
                    + " connections are closed (event executor terminated)", e.getMessage());
        } finally {
            // The wrong order (PluginChannels.close() tells against it), yet closing still works.
            orphan.close();
        }
    }

    @Test
    public void awaitServingIsFalseWhileNotServingAndTrueOnceServing() throws Exception {
        server.health(ServingStatus.NOT_SERVING);
        assertFalse(channel.awaitServing(Duration.ofMillis(200)));
        assertFalse(channel.healthy(DEADLINE));
        server.health(ServingStatus.SERVING);
        assertTrue(channel.awaitServing(DEADLINE));
        assertTrue(channel.healthy(DEADLINE));
    }

    @Test
    public void aServerThatIsGoneIsNeitherHealthyNorServing() throws Exception {
        assertTrue("connected first", channel.healthy(DEADLINE));
        server.close();
        assertFalse(channel.healthy(DEADLINE));
        assertFalse(channel.awaitServing(Duration.ofMillis(200)));
    }

    @Test
    public void shutdownReturnsAlthoughTheServerStopsUnderTheCall() throws Exception {
        channel.shutdown(DEADLINE);
        assertTrue("the server got the Shutdown call", server.awaitTermination(10));
        assertEquals(Kind.UNAVAILABLE,
                assertThrows(KvCallException.class, () -> channel.get("k", DEADLINE)).kind());
    }

    @Test
    public void theBrokerStreamOpensAfterTheFirstCallOnceServingAndEndsOnClose() throws Exception {
        assertTrue(channel.awaitServing(DEADLINE));
        // Not with the readiness check: after the call that follows it.
        assertFalse("StartStream was opened with the readiness check", server.awaitBrokerOpened(1));
        channel.put("k", new byte[] {1}, DEADLINE);
        assertTrue("StartStream was opened", server.awaitBrokerOpened(10));
        assertFalse("StartStream stays open", server.awaitBrokerEnded(0));
        channel.close();
        assertTrue("StartStream ended with the channel", server.awaitBrokerEnded(10));
    }

    @Test
    public void aPluginThatNeverServedGetsNoBrokerStream() throws Exception {
        server.health(ServingStatus.NOT_SERVING);
        assertFalse(channel.awaitServing(Duration.ofMillis(200)));
        channel.put("k", new byte[] {1}, DEADLINE);
        channel.close();
        assertFalse("StartStream was opened", server.awaitBrokerOpened(1));
    }

    @Test
    public void aPluginThatServesOnlyAtALaterCheckGetsItsBrokerStream() throws Exception {
        server.health(ServingStatus.NOT_SERVING);
        assertFalse(channel.awaitServing(Duration.ofMillis(200)));
        server.health(ServingStatus.SERVING);
        assertTrue(channel.awaitServing(DEADLINE));
        assertTrue(channel.healthy(DEADLINE));
        assertTrue("StartStream was opened", server.awaitBrokerOpened(10));
    }

    /** What a GRPCStdio stream handed on, as "out:" and "err:" chunks, and whether it ended. */
    private static final class RecordingStdio implements StdioOutput {

        final List<String> chunks = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

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
            ended.countDown();
        }

        void awaitChunks(int count) throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (chunks.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(count, chunks.size());
        }
    }

    @Test
    public void theStdioStreamOpensWithTheBrokerStreamAndHandsOnEveryChunkInOrder() throws Exception {
        server.stdio(StdioData.Channel.STDOUT, "hello\n");
        server.stdio(StdioData.Channel.STDERR, "oops\n");
        server.stdio(StdioData.Channel.STDOUT, "wor");
        server.stdio(StdioData.Channel.INVALID, "dropped");
        server.stdio(StdioData.Channel.STDOUT, "ld\n");
        RecordingStdio stdio = new RecordingStdio();
        channel.close();
        channel = channels.connect(server.handshake(), "kv-test", stdio);
        assertTrue(channel.awaitServing(DEADLINE));
        channel.put("k", new byte[] {1}, DEADLINE);
        assertTrue("StreamStdio was opened", server.awaitStdioOpened(10));
        stdio.awaitChunks(4);
        assertEquals(List.of("out:hello\n", "err:oops\n", "out:wor", "out:ld\n"), stdio.chunks);
        assertEquals("the stream stays open", 1, stdio.ended.getCount());
        channel.close();
        assertTrue("the end was handed on", stdio.ended.await(10, TimeUnit.SECONDS));
    }

    @Test
    public void aPluginWithoutStdioEndsItsStreamAndServesOn() throws Exception {
        channel.close();
        server.close();
        server = TestPluginServer.unixWithoutStdio(temp.getRoot().toPath().resolve("old.sock"));
        RecordingStdio stdio = new RecordingStdio();
        channel = channels.connect(server.handshake(), "kv-old", stdio);
        assertTrue(channel.awaitServing(DEADLINE));
        channel.put("k", new byte[] {7}, DEADLINE);
        assertTrue("UNIMPLEMENTED ended the stream", stdio.ended.await(10, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {7}, channel.get("k", DEADLINE).orElseThrow());
        assertEquals(List.of(), stdio.chunks);
    }

    @Test
    public void withoutAReceiverNoStdioStreamIsOpened() throws Exception {
        assertTrue(channel.awaitServing(DEADLINE));
        channel.put("k", new byte[] {1}, DEADLINE);
        // Both streams are opened by one task on the event loop, the broker stream first.
        assertTrue("StartStream was opened", server.awaitBrokerOpened(10));
        assertTrue(channel.healthy(DEADLINE));
        assertFalse("StreamStdio was opened", server.awaitStdioOpened(1));
    }

    @Test
    public void badArgumentsAreRefusedByName() {
        assertEquals("key", assertThrows(NullPointerException.class, () -> channel.get(null, DEADLINE)).getMessage());
        assertEquals("value",
                assertThrows(NullPointerException.class, () -> channel.put("k", null, DEADLINE)).getMessage());
        assertEquals("deadline", assertThrows(NullPointerException.class, () -> channel.get("k", null)).getMessage());
        assertEquals("deadline must be positive, was PT0S",
                assertThrows(IllegalArgumentException.class, () -> channel.get("k", Duration.ZERO)).getMessage());
        assertEquals("deadline must be positive, was PT-1S", assertThrows(IllegalArgumentException.class,
                () -> channel.healthy(Duration.ofSeconds(-1))).getMessage());
        assertEquals("timeout must be positive, was PT0S",
                assertThrows(IllegalArgumentException.class, () -> channel.awaitServing(Duration.ZERO)).getMessage());
    }

    @Test
    public void aVeryLongDeadlineIsAccepted() throws Exception {
        channel.put("k", new byte[] {7}, Duration.ofDays(365L * 1000));
        assertArrayEquals(new byte[] {7}, channel.get("k", Duration.ofSeconds(Long.MAX_VALUE)).orElseThrow());
    }
}
