package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import java.util.concurrent.CompletableFuture;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocal;
import io.grpc.netty.shaded.io.netty.util.internal.InternalThreadLocalMap;
import io.plugboard.goplugin.internal.launch.Handshake;

/** PluginChannels: connecting over unix and tcp, refusing handshakes it cannot use, its thread. */
public class PluginChannelsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void connectsOverTcpToo() throws Exception {
        try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath());
                TestPluginServer server = TestPluginServer.tcp();
                PluginChannel channel = channels.connect(server.handshake(), "kv-tcp")) {
            assertTrue(channel.awaitServing(DEADLINE));
            channel.put("k", new byte[] {1, 2}, DEADLINE);
            assertArrayEquals(new byte[] {1, 2}, channel.get("k", DEADLINE).orElseThrow());
            assertTrue(server.awaitBrokerOpened(10));
        }
    }

    @Test
    public void aSocketWithNoServerFailsToConnectWithTheReason() throws Exception {
        Path socket = temp.getRoot().toPath().resolve("nobody.sock");
        try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath());
                PluginChannel channel = channels.connect(new Handshake(1, 1, "unix", socket.toString(), "grpc", ""),
                        "kv-x")) {
            // The connection is made by the first health check, which fails with the reason.
            IOException e = assertThrows(IOException.class, () -> channel.awaitServing(DEADLINE));
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to plugin kv-x at unix:" + socket + ": UNAVAILABLE"));
            assertTrue(e.getMessage(), e.getMessage().endsWith("(FileNotFoundException)"));
        }
    }

    @Test
    public void aRefusedTcpConnectionFailsWithTheReason() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath());
                PluginChannel channel = channels.connect(new Handshake(1, 1, "tcp", "127.0.0.1:" + port, "grpc", ""),
                        "kv-y")) {
            IOException e = assertThrows(IOException.class, () -> channel.awaitServing(DEADLINE));
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to plugin kv-y at tcp:127.0.0.1:" + port
                    + ": UNAVAILABLE"));
            assertTrue(e.getMessage(), e.getMessage().contains("Connection refused"));
        }
    }

    @Test
    public void handshakesThatCannotBeUsedAreRefusedWithTheirReason() throws Exception {
        try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath())) {
            assertEquals("plugin p speaks protocol \"netrpc\"; only grpc is supported", refusal(channels,
                    new Handshake(1, 1, "unix", "/tmp/x.sock", "netrpc", "")));
            assertEquals("plugin p offers a TLS certificate (automatic mTLS), which this host never asks for; "
                    + "it speaks plaintext only", refusal(channels, new Handshake(1, 1, "unix", "/tmp/x.sock", "grpc", "MIIB")));
            assertEquals("plugin p listens on network \"udp\"; only unix and tcp are supported",
                    refusal(channels, new Handshake(1, 1, "udp", "127.0.0.1:1", "grpc", "")));
            assertEquals("plugin p: tcp address \"localhost\" is not host:port",
                    refusal(channels, new Handshake(1, 1, "tcp", "localhost", "grpc", "")));
            assertEquals("plugin p: tcp address \"127.0.0.1:\" is not host:port",
                    refusal(channels, new Handshake(1, 1, "tcp", "127.0.0.1:", "grpc", "")));
            assertEquals("plugin p: tcp address \"127.0.0.1:http\" has no valid port",
                    refusal(channels, new Handshake(1, 1, "tcp", "127.0.0.1:http", "grpc", "")));
            assertEquals("plugin p: tcp address \"127.0.0.1:70000\" has no valid port",
                    refusal(channels, new Handshake(1, 1, "tcp", "127.0.0.1:70000", "grpc", "")));
            assertEquals("handshake",
                    assertThrows(NullPointerException.class, () -> channels.connect(null, "p")).getMessage());
        }
    }

    private static String refusal(PluginChannels channels, Handshake handshake) {
        return assertThrows(IOException.class, () -> channels.connect(handshake, "p")).getMessage();
    }

    @Test
    public void closingLeavesNoEventLoopThreadBehind() throws Exception {
        PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath());
        assertFalse("the event loop runs while open", loopThreads().isEmpty());
        try (TestPluginServer server = TestPluginServer.unix(temp.getRoot().toPath().resolve("p.sock"))) {
            PluginChannel channel = channels.connect(server.handshake(), "kv-threads");
            channel.put("k", new byte[] {1}, DEADLINE);
            channel.close();
        }
        channels.close();
        assertEquals(List.of(), loopThreads());
    }

    @Test
    public void aCallPastItsDeadlineFailsInTimeWhileTheLoopPolls() throws Exception {
        // The widest window: the loop polls for a whole second after the call went out, so the
        // deadline's timer has to fire from the polling loop, not after it blocked.
        try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath(), PluginChannels.MAX_SPIN);
                TestPluginServer server = TestPluginServer.unix(temp.getRoot().toPath().resolve("p.sock"));
                PluginChannel channel = channels.connect(server.handshake(), "kv-spin")) {
            channel.put("k", new byte[] {1}, DEADLINE);
            long start = System.nanoTime();
            KvCallException e = assertThrows(KvCallException.class, () -> channel.get("hang", Duration.ofMillis(100)));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("plugin kv-spin did not answer KV Get of key \"hang\" within 100 ms", e.getMessage());
            assertTrue("the deadline fired after " + tookMillis + " ms, not while the loop polled", tookMillis < 800);
        }
    }

    @Test
    public void anIdleLoopBlocksInsteadOfPolling() throws Exception {
        // Past the default window (0.5 ms) by far, the loop waits in epoll_wait; a loop that kept
        // polling would be seen outside it, and would use most of a core (load only lowers that).
        LoopSamples samples = loopAfterACall(PluginChannels.DEFAULT_SPIN);
        assertTrue("the idle event loop was seen blocked in only " + samples.blocked + " of " + samples.taken
                + " samples", samples.blocked * 2 > samples.taken);
        assertTrue("the idle event loop used " + samples.cpuMillis + " ms of CPU in 300 ms", samples.cpuMillis < 60);
    }

    @Test
    public void theLoopPollsThroughItsWindowAfterWork() throws Exception {
        // Within a one-second window the loop polls instead of blocking. What it does is sampled,
        // not how much CPU it gets: a polling loop yields its core, so on a busy machine it gets
        // little, but it never waits in epoll_wait.
        LoopSamples samples = loopAfterACall(PluginChannels.MAX_SPIN);
        assertTrue("no samples of the loop were taken", samples.taken > 0);
        assertEquals("samples of the polling event loop that found it blocked in epoll_wait, of " + samples.taken,
                0, samples.blocked);
    }

    /** What the event loop did from 100 to 400 ms after a call: its CPU time, and stack samples. */
    private record LoopSamples(long cpuMillis, int taken, int blocked) {
    }

    private LoopSamples loopAfterACall(Duration spin) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (PluginChannels channels = new PluginChannels(temp.newFolder().toPath(), spin);
                TestPluginServer server = TestPluginServer.unix(temp.getRoot().toPath().resolve("p.sock"));
                PluginChannel channel = channels.connect(server.handshake(), "kv-cpu")) {
            channel.put("k", new byte[] {1}, DEADLINE);
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().startsWith(PluginChannels.THREAD_NAME)).findFirst().orElseThrow();
            Thread.sleep(100);
            long before = threads.getThreadCpuTime(loop.getId());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            int taken = 0;
            int blocked = 0;
            while (System.nanoTime() < end) {
                taken++;
                if (blockedInEpollWait(loop.getStackTrace())) {
                    blocked++;
                }
                Thread.sleep(10);
            }
            long cpuMillis = TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(loop.getId()) - before);
            return new LoopSamples(cpuMillis, taken, blocked);
        }
    }

    /**
     * Whether the loop waits in a blocking epoll_wait: Netty's epollWait, epollWaitNoTimerChange or
     * epollWaitTimeboxed; a polling loop calls epollWaitNow only.
     */
    private static boolean blockedInEpollWait(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().endsWith(".EpollIoHandler") && frame.getMethodName().startsWith("epollWait")
                    && !frame.getMethodName().equals("epollWaitNow")) {
                return true;
            }
        }
        return false;
    }

    @Test
    public void spinWindowsAreReadFromTheirPropertyValue() {
        assertEquals(PluginChannels.DEFAULT_SPIN, PluginChannels.spinWindow(null));
        assertEquals(PluginChannels.DEFAULT_SPIN, PluginChannels.spinWindow(" "));
        assertEquals(Duration.ZERO, PluginChannels.spinWindow("0"));
        assertEquals(Duration.ofNanos(250_000), PluginChannels.spinWindow(" 250 "));
        assertEquals(PluginChannels.MAX_SPIN, PluginChannels.spinWindow("1000000"));
        for (String bad : List.of("-1", "1000001", "fast", "1.5")) {
            assertEquals("plugboard.goplugin.spin.micros is \"" + bad + "\": it must be a whole number of microseconds"
                    + " from 0 to 1000000", assertThrows(IllegalArgumentException.class,
                            () -> PluginChannels.spinWindow(bad)).getMessage());
        }
        assertEquals("spin window 1000001 µs is not within 0 and 1000000 µs", assertThrows(
                IllegalArgumentException.class, () -> new PluginChannels(temp.getRoot().toPath(),
                        Duration.ofNanos(1_000_001_000))).getMessage());
    }

    /**
     * grpc-java's notice of data on a closed stream (one INFO line per frame of a refused answer)
     * is quiet while any PluginChannels is open, and the logger's level is given back when the last
     * closes: the level holds for the whole JVM. A level of the logger's own is left alone.
     */
    @Test
    public void grpcsClosedStreamLoggerIsQuietOnlyWhileChannelsAreOpen() throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ClosedStreamLog.NAME);
        assertNull("no PluginChannels is open before", logger.getLevel());
        PluginChannels first = new PluginChannels(temp.newFolder("first").toPath());
        try {
            assertQuietWhileAnotherOpensAndCloses(logger);
        } finally {
            first.close();
        }
        assertNull("the last one closed", logger.getLevel());
        // Closed twice, it gives the logger back once.
        first.close();
        try (PluginChannels again = new PluginChannels(temp.newFolder("again").toPath())) {
            assertQuietWhileAnotherOpensAndCloses(logger);
        }
        assertNull(logger.getLevel());
        logger.setLevel(java.util.logging.Level.FINE);
        try (PluginChannels channels = new PluginChannels(temp.newFolder("fine").toPath())) {
            assertEquals("someone's choice", java.util.logging.Level.FINE, logger.getLevel());
        } finally {
            logger.setLevel(null);
        }
    }

    private void assertQuietWhileAnotherOpensAndCloses(java.util.logging.Logger logger) throws IOException {
        assertEquals(java.util.logging.Level.WARNING, logger.getLevel());
        new PluginChannels(temp.newFolder().toPath()).close();
        assertEquals("one is still open", java.util.logging.Level.WARNING, logger.getLevel());
    }

    private static List<String> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(PluginChannels.THREAD_NAME)).collect(Collectors.toList());
    }

    @Test
    public void theNativeWorkDirectoryIsCreatedAndUsedWhenNoneIsSet() throws Exception {
        String before = System.clearProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY);
        Path dir = temp.getRoot().toPath().resolve("made/by/channels");
        try (PluginChannels channels = new PluginChannels(dir)) {
            assertTrue(Files.isDirectory(dir));
            assertEquals(dir.toAbsolutePath().toString(), System.getProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY));
        } finally {
            restore(before);
        }
    }

    @Test
    public void aNativeWorkDirectorySetAlreadyIsLeftAlone() throws Exception {
        // A real directory: if this is the JVM's first Netty use, Netty unpacks its library there.
        String preset = temp.newFolder("preset").toString();
        String before = System.setProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY, preset);
        Path dir = temp.getRoot().toPath().resolve("unused");
        try (PluginChannels channels = new PluginChannels(dir)) {
            assertEquals(preset, System.getProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY));
            assertFalse(Files.exists(dir));
        } finally {
            restore(before);
        }
    }

    @Test
    public void aNativeWorkDirectoryThatCannotBeMadeIsNamed() throws Exception {
        String before = System.clearProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY);
        Path dir = temp.newFile("a-file").toPath().resolve("native");
        try {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new PluginChannels(dir));
            assertEquals("cannot create Netty's native work directory " + dir, e.getMessage());
        } finally {
            restore(before);
        }
    }

    private static void restore(String value) {
        if (value == null) {
            System.clearProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY);
        } else {
            System.setProperty(PluginChannels.NATIVE_WORKDIR_PROPERTY, value);
        }
    }

    /**
     * A host thread that called in keeps no Netty thread-local after releaseCallingThread: its
     * InternalThreadLocalMap, a class of the bundle, would pin the bundle's class loader.
     */
    @Test
    public void releasingTheCallingThreadDropsNettysThreadLocalsOnAThreadNettyDidNotMake() throws Exception {
        CompletableFuture<List<Boolean>> mapSet = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try (PluginChannels channels = new PluginChannels(temp.newFolder("native").toPath());
                    TestPluginServer server = TestPluginServer.tcp();
                    PluginChannel channel = channels.connect(server.handshake(), "kv-tcp")) {
                channel.put("k", new byte[] {1}, DEADLINE);
                new FastThreadLocal<String>().set("kept by the caller's thread");
                boolean before = InternalThreadLocalMap.getIfSet() != null;
                PluginChannels.releaseCallingThread();
                mapSet.complete(List.of(before, InternalThreadLocalMap.getIfSet() != null));
            } catch (Throwable e) {
                mapSet.completeExceptionally(e);
            }
        }, "host caller");
        caller.start();
        assertEquals("Netty's map on the caller's thread, before and after the release", List.of(true, false),
                mapSet.get(30, TimeUnit.SECONDS));
    }
}
