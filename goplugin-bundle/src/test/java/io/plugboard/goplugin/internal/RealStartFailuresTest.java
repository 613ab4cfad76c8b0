package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.kv.KeyValueStore;

/**
 * Real plugins that cannot be used: each install fails with its named error, leaves no process,
 * socket folder or service behind, and the plugin already installed in the same handler serves on.
 */
public class RealStartFailuresTest {

    @Rule
    public final RealHost host = new RealHost();

    private long goodPid;

    @Before
    public void installAGoodPlugin() throws Exception {
        host.install("kv.good", bin("kv-go"));
        goodPid = host.pid("kv.good");
        host.store("kv.good").put("before", bytes("1"));
    }

    /** Installs the bad plugin, expecting it to fail; checks that nothing of it is left and kv.good serves. */
    private String refused(String name, Path command, String... lines) throws Exception {
        Path file = host.descriptor(name, command, lines);
        PluginFileException e = assertThrows(PluginFileException.class, () -> host.handler.install(file));
        assertEquals("only kv.good's process runs", List.of(goodPid),
                host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
        assertEquals("only kv.good's socket folder is left", 1, host.socketFolders().size());
        assertFalse(name + " is not registered", host.registered(name));
        assertEquals(Map.of(), host.describe(name));
        assertEquals(List.of("kv.good"), host.handler.installed().stream().map(f -> f.pluginName()).toList());
        KeyValueStore good = host.store("kv.good");
        assertArrayEquals(bytes("1"), good.get("before").orElseThrow());
        good.put("after", bytes("2"));
        assertArrayEquals(bytes("2"), good.get("after").orElseThrow());
        assertEquals("serving", host.describe("kv.good").get("state"));
        await("its supervisor thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("plugboard-goplugin-" + name + "-supervisor")));
        return e.getMessage();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void aWrongCookieIsNamed() throws Exception {
        String message = refused("kv.cookie", bin("kv-go"), "cookie=BASIC_PLUGIN=goodbye");
        assertEquals("kv.cookie did not start: wrong magic cookie: the plugin refused the cookie BASIC_PLUGIN: the"
                + " descriptor's value does not match the plugin's (go-plugin said: This binary is a plugin. These are"
                + " not meant to be executed directly.)", message);
    }

    @Test
    public void aProtocolVersionTheHostDoesNotSpeakIsNamed() throws Exception {
        String message = refused("kv.proto", bin("kv-misbehave"), "env=MISBEHAVE=wrong-protocol");
        assertEquals("kv.proto did not start: the plugin chose app protocol version 2, but the host speaks only 1"
                + " (sent in PLUGIN_PROTOCOL_VERSIONS): the descriptor's protocol versions and the plugin's"
                + " VersionedPlugins must share a version.", message);
    }

    @Test
    public void netrpcIsNamedAsUnsupported() throws Exception {
        String message = refused("kv.netrpc", bin("kv-misbehave"), "env=MISBEHAVE=netrpc");
        assertEquals("kv.netrpc did not start: the plugin speaks net/rpc; Plugboard supports only gRPC plugins (serve"
                + " it with GRPCServer: plugin.DefaultGRPCServer and a GRPCPlugin).", message);
    }

    @Test
    public void garbageBeforeTheHandshakeIsShown() throws Exception {
        String message = refused("kv.garbage", bin("kv-misbehave"), "env=MISBEHAVE=garbage-before-handshake");
        assertEquals("kv.garbage did not start: the first line on stdout is not a go-plugin handshake: 'hello from"
                + " main'. The plugin must not write to stdout before the handshake (log to stderr instead).", message);
    }

    @Test
    public void anExitBeforeTheHandshakeShowsTheExitAndStderr() throws Exception {
        String message = refused("kv.exit", bin("kv-misbehave"), "env=MISBEHAVE=exit-at-once");
        assertEquals("kv.exit did not start: the plugin exited before its handshake (exit code 3). Last stderr"
                + " lines:\n  kv-misbehave: exit-at-once: exiting before the handshake", message);
    }

    @Test
    public void aStartSlowerThanTheStartTimeoutIsKilled() throws Exception {
        String message = refused("kv.slow", bin("kv-misbehave"), "env=MISBEHAVE=slow-start MISBEHAVE_AFTER_MS=30000",
                "start-timeout-ms=300");
        assertTrue(message, message.startsWith("kv.slow did not start: no handshake within 300 ms; the plugin was"
                + " killed."));
    }

    @Test
    public void aHandshakeNamingASocketNobodyListensOnIsRefusedAndTheServicePublishedMeanwhileIsWithdrawn()
            throws Exception {
        // A valid handshake, so the service is published while the channel connects; nothing listens there.
        Path script = DescriptorTest.executable(host.plugins.resolve("no-listener"), "#!/bin/sh\n"
                + "echo \"1|1|unix|$TMPDIR/plugin-nobody-listens|grpc|\"\nexec sleep 30\n");
        List<String> events = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> events.add(switch (event.getType()) {
            case ServiceEvent.REGISTERED -> "registered";
            case ServiceEvent.UNREGISTERING -> "unregistering";
            default -> "modified";
        });
        host.context.addServiceListener(listener, "(" + PluginProperties.NAME + "=kv.nobody)");
        try {
            String message = refused("kv.nobody", script, "start-timeout-ms=2000");
            assertTrue(message, message.matches("kv\\.nobody \\(pid \\d+\\) did not start: cannot connect to plugin kv\\.nobody"
                    + " at unix:" + Pattern.quote(host.sockets.toString()) + "/pb\\d+/plugin-nobody-listens:"
                    + " UNAVAILABLE.*"));
            assertEquals(List.of("registered", "unregistering"), events);
        } finally {
            host.context.removeServiceListener(listener);
        }
    }

    @Test
    public void aBinaryWhoseHashDiffersFromTheDescriptorsIsRefused() throws Exception {
        String wrong = "0".repeat(64);
        Path file = host.descriptor("kv.pinned", bin("kv-go"));
        String message = refused("kv.pinned", bin("kv-go"), "sha256=" + wrong);
        assertEquals("kv.pinned: " + bin("kv-go") + " has SHA-256 " + Hashes.sha256(bin("kv-go")) + ", but " + file
                + " requires " + wrong + " (key \"sha256\"); refusing to run it", message);
    }

    @Test
    public void aBinaryWithThePinnedHashRuns() throws Exception {
        host.install("kv.pinned", bin("kv-go"), "sha256=" + Hashes.sha256(bin("kv-go")).toUpperCase());
        host.store("kv.pinned").put("k", bytes("v"));
        assertArrayEquals(bytes("v"), host.store("kv.pinned").get("k").orElseThrow());
        await("the Started line", () -> host.loggers.handlerLines().stream()
                .anyMatch(line -> line.startsWith("info: Started go-plugin kv.pinned")));
    }
}
