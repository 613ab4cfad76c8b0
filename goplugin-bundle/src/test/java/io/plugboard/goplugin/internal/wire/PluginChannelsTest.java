package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

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
}
