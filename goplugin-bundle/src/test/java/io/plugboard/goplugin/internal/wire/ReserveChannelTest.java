package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.goplugin.internal.wire.proto.health.HealthProto.HealthCheckResponse.ServingStatus;

/**
 * The reserve channel of {@link PluginChannels}: made ahead, taken by the next start (which then
 * sends its first check, with its own deadline), made again once that start is over (the
 * plugin answered its first call, or the start failed), closed with the channels. Real sockets and a real gRPC server.
 */
public class ReserveChannelTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private PluginChannels channels;

    @After
    public void close() {
        if (channels != null) {
            channels.close();
        }
    }

    /**
     * Channels with Netty's connect timeout as given (null: its own), after a first start that
     * failed before its connect: their first reserve is on its way.
     */
    private PluginChannels channels(Duration connectTimeout) throws Exception {
        channels = new PluginChannels(temp.newFolder().toPath(), PluginChannels.DEFAULT_SPIN, connectTimeout);
        assertNull("no reserve before the first start", channels.readyReserve());
        channels.prepare("kv-first", DEADLINE).close();
        return channels;
    }

    private static PreparedChannel awaitReserve(PluginChannels channels) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            PreparedChannel reserve = channels.readyReserve();
            if (reserve != null) {
                return reserve;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no reserve channel was made within 20 s");
    }

    @Test
    public void aStartTakesTheReserveAndTheNextIsMadeOnlyAfterTheFirstCall() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        PreparedChannel prepared = channels.prepare("kv-reserve", DEADLINE);
        assertSame("the start took the reserve", reserve, prepared);
        try (TestPluginServer server = TestPluginServer.unix(socket("a"));
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            // Neither while the plugin starts nor before its first call: the CPU is theirs then.
            Thread.sleep(100);
            assertNull("no new reserve before the first call", channels.readyReserve());
            channel.put("k", new byte[] {3}, DEADLINE);
            PreparedChannel next = awaitReserve(channels);
            assertNotSame("a new reserve after the first call", reserve, next);
            assertArrayEquals(new byte[] {3}, channel.get("k", DEADLINE).orElseThrow());
            assertEquals(1, server.healthChecks());
            assertSame("made once", next, channels.readyReserve());
        }
    }

    @Test
    public void aHealthCheckAfterTheStartCountsAsItsFirstCall() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        try (TestPluginServer server = TestPluginServer.unix(socket("hc"));
                PluginChannel channel = channels.prepare("kv-health", DEADLINE).connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            assertTrue(channel.healthy(DEADLINE));
            assertNotSame(reserve, awaitReserve(channels));
        }
    }

    @Test
    public void aPluginThatDoesNotServeInTimeHasTheReserveMadeAgain() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        try (TestPluginServer server = TestPluginServer.unix(socket("ns"))) {
            // Before the connect: the check sent ahead goes out as soon as the connection is up.
            server.health(ServingStatus.NOT_SERVING);
            try (PluginChannel channel = channels.prepare("kv-not-serving", DEADLINE).connect(server.handshake())) {
                assertFalse(channel.awaitServing(Duration.ofMillis(200)));
                assertNotSame(reserve, awaitReserve(channels));
            }
        }
    }

    @Test
    public void theFirstCheckGoesOutWhenTheReserveIsTakenWithThatStartsDeadline() throws Exception {
        PluginChannels channels = channels(null);
        awaitReserve(channels);
        // The reserve sits for longer than what the start's deadline would have left.
        Thread.sleep(1500);
        Duration startDeadline = Duration.ofSeconds(3);
        PreparedChannel prepared = channels.prepare("kv-deadline", startDeadline);
        try (TestPluginServer server = TestPluginServer.unix(socket("d"));
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            List<Long> deadlines = server.checkDeadlines();
            assertEquals("the one check, sent ahead: " + deadlines, 1, deadlines.size());
            long left = deadlines.get(0);
            // Sent when the reserve was made, its deadline would have run 1.5 s already (or not be this
            // start's); sent at the claim, it has up to 1.5 s of slack for a slow machine.
            assertTrue("the check's deadline had " + left + " ms left", left > 1500 && left <= 3000);
        }
    }

    @Test
    public void aReserveHeldLongerThanTheConnectTimeoutStillConnects() throws Exception {
        // Netty arms its connect timeout only when a connect reaches the socket; the reserve's
        // connect is held before that, so no timeout runs while it waits for its plugin.
        PluginChannels channels = channels(Duration.ofMillis(100));
        PreparedChannel reserve = awaitReserve(channels);
        Thread.sleep(800);
        PreparedChannel prepared = channels.prepare("kv-held", DEADLINE);
        assertSame(reserve, prepared);
        try (TestPluginServer server = TestPluginServer.unix(socket("h"));
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            channel.put("k", new byte[] {4}, DEADLINE);
            assertTrue("the broker stream opened too", server.awaitBrokerOpened(10));
        }
    }

    @Test
    public void twoStartsAtOnceGetTheReserveAndAChannelOfTheirOwn() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        PreparedChannel first = channels.prepare("kv-one", DEADLINE);
        PreparedChannel second = channels.prepare("kv-two", DEADLINE);
        assertSame(reserve, first);
        assertNotSame(first, second);
        try (TestPluginServer one = TestPluginServer.unix(socket("1"));
                TestPluginServer two = TestPluginServer.unix(socket("2"));
                PluginChannel oneChannel = first.connect(one.handshake());
                PluginChannel twoChannel = second.connect(two.handshake())) {
            assertTrue(oneChannel.awaitServing(DEADLINE));
            assertTrue(twoChannel.awaitServing(DEADLINE));
            oneChannel.put("k", new byte[] {1}, DEADLINE);
            twoChannel.put("k", new byte[] {2}, DEADLINE);
            assertArrayEquals(new byte[] {1}, oneChannel.get("k", DEADLINE).orElseThrow());
            assertArrayEquals(new byte[] {2}, twoChannel.get("k", DEADLINE).orElseThrow());
        }
        assertNotNull(awaitReserve(channels));
    }

    @Test
    public void aTcpPluginThatTookTheReserveGetsAChannelOfItsOwnAndTheReserveIsMadeAgain() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        PreparedChannel prepared = channels.prepare("kv-tcp", DEADLINE);
        assertSame(reserve, prepared);
        try (TestPluginServer server = TestPluginServer.tcp();
                PluginChannel channel = prepared.connect(server.handshake())) {
            assertTrue(channel.awaitServing(DEADLINE));
            Thread.sleep(100);
            assertNull("no new reserve before the first call", channels.readyReserve());
            channel.put("k", new byte[] {5}, DEADLINE);
            assertNotSame(reserve, awaitReserve(channels));
        }
    }

    @Test
    public void aStartThatFailsBeforeItsConnectHasTheReserveMadeAgain() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        channels.prepare("kv-failed", DEADLINE).close();
        assertNotSame(reserve, awaitReserve(channels));
    }

    @Test
    public void closingClosesTheReserveAndLeavesNoThreadBehind() throws Exception {
        PluginChannels channels = channels(null);
        PreparedChannel reserve = awaitReserve(channels);
        assertEquals(1, threads(PluginChannels.RESERVE_THREAD_NAME).size());
        channels.close();
        this.channels = null;
        assertEquals(List.of(), threads(PluginChannels.RESERVE_THREAD_NAME));
        assertEquals(List.of(), threads(PluginChannels.THREAD_NAME));
        try (TestPluginServer server = TestPluginServer.unix(socket("c"))) {
            assertEquals("the reserve channel was used or closed already",
                    assertThrows(IllegalStateException.class, () -> reserve.connect(server.handshake())).getMessage());
            assertEquals("nothing reached the server", 0, server.healthChecks());
        }
    }

    @Test
    public void noReserveIsMadeBeforeTheFirstStartIsOver() throws Exception {
        PluginChannels channels = new PluginChannels(temp.newFolder().toPath(), PluginChannels.DEFAULT_SPIN, null);
        this.channels = channels;
        PreparedChannel first = channels.prepare("kv-first", DEADLINE);
        Thread.sleep(100);
        assertNull("none while the first start goes on", channels.readyReserve());
        assertEquals("nor a thread to make one", List.of(), threads(PluginChannels.RESERVE_THREAD_NAME));
        first.close();
        assertNotNull(awaitReserve(channels));
    }

    @Test
    public void closingWhileTheReserveIsBeingMadeLeavesNoThreadBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            PluginChannels channels = new PluginChannels(temp.newFolder().toPath(), PluginChannels.DEFAULT_SPIN, null);
            channels.prepare("kv-first", DEADLINE).close();
            channels.close();
            assertEquals(List.of(), threads(PluginChannels.RESERVE_THREAD_NAME));
            assertEquals(List.of(), threads(PluginChannels.THREAD_NAME));
        }
    }

    private Path socket(String name) {
        return temp.getRoot().toPath().resolve(name + ".sock");
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).collect(Collectors.toList());
    }
}
