package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static io.plugboard.goplugin.internal.RealHost.gone;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.Rule;
import org.junit.Test;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.kv.KeyValueStoreException;

/** An unmodified go-plugin KV plugin (kv-go) as a registered KeyValueStore: calls, describe, uninstall, deactivate. */
public class RealKvTest {

    @Rule
    public final RealHost host = new RealHost();

    @Test
    public void valuesGoThroughByteForByte() throws Exception {
        host.install("kv.go", bin("kv-go"));
        KeyValueStore store = host.store("kv.go");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] mebibyte = new byte[1 << 20];
        new Random(42).nextBytes(mebibyte);
        store.put("empty", new byte[0]);
        store.put("binary", all);
        store.put("large", mebibyte);
        store.put("a/b c", "ü".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new byte[0], store.get("empty").orElseThrow());
        assertArrayEquals(all, store.get("binary").orElseThrow());
        assertArrayEquals(mebibyte, store.get("large").orElseThrow());
        assertArrayEquals("ü".getBytes(StandardCharsets.UTF_8), store.get("a/b c").orElseThrow());
        assertEquals(Optional.empty(), store.get("missing"));
        // kv-go's own files in its working directory (<data>/goplugin/<name>): the plugin stored them.
        Path workDir = host.data.resolve("goplugin/kv.go");
        assertArrayEquals(all, Files.readAllBytes(workDir.resolve("kbinary")));
        assertArrayEquals(new byte[0], Files.readAllBytes(workDir.resolve("kempty")));
        store.put("binary", new byte[] {7});
        assertArrayEquals(new byte[] {7}, store.get("binary").orElseThrow());
    }

    @Test
    public void valuesOverGrpcsMessageLimitAreRefusedWithTheLimit() throws Exception {
        host.install("kv.go", bin("kv-go"));
        KeyValueStore store = host.store("kv.go");
        // go-plugin's gRPC server takes requests up to 4 MiB: grpc-go's words were all the user saw.
        KeyValueStoreException put = assertThrows(KeyValueStoreException.class, () -> store.put("big", new byte[5_000_000]));
        assertEquals("kv.go cannot take a value of 5000000 bytes: go-plugin's gRPC server takes messages up to 4 MiB "
                + "(4194304 bytes)", put.getMessage());
        // A value another host put, or a file put in kv-go's data folder: over what grpc-java takes in an answer.
        Files.write(host.data.resolve("goplugin/kv.go/kbig"), new byte[4_500_000]);
        // grpc-java logs (java.util.logging) each frame of the refused answer that still comes in.
        List<String> grpcLog = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger grpcStreams = java.util.logging.Logger.getLogger("io.grpc.internal.AbstractClientStream");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                grpcLog.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        grpcStreams.addHandler(capture);
        KeyValueStoreException get;
        try {
            get = assertThrows(KeyValueStoreException.class, () -> store.get("big"));
            Thread.sleep(200);
        } finally {
            grpcStreams.removeHandler(capture);
        }
        assertEquals("the caller is told; standard error gets no line per frame", List.of(), grpcLog);
        assertEquals("kv.go cannot hand over the value of key \"big\": the answer is 4500005 bytes, and the host takes "
                + "gRPC messages up to 4 MiB (4194304 bytes), as go-plugin's gRPC server does; a put of a smaller value "
                + "replaces it", get.getMessage());
        // The plugin is fine: values under the limit go on, and replace the large one.
        store.put("big", new byte[4_000_000]);
        assertEquals(4_000_000, store.get("big").orElseThrow().length);
    }

    @Test
    public void deleteAndKeysAreNotSupported() throws Exception {
        host.install("kv.go", bin("kv-go"));
        KeyValueStore store = host.store("kv.go");
        UnsupportedOperationException delete = assertThrows(UnsupportedOperationException.class,
                () -> store.delete("k"));
        assertEquals("kv.go is a go-plugin KV plugin; its protocol has only Get and Put, so delete is not supported",
                delete.getMessage());
        UnsupportedOperationException keys = assertThrows(UnsupportedOperationException.class, store::keys);
        assertEquals("kv.go is a go-plugin KV plugin; its protocol has only Get and Put, so listing keys is not"
                + " supported", keys.getMessage());
    }

    @Test
    public void describeShowsTheRunningProcess() throws Exception {
        Path file = host.install("kv.go", bin("kv-go"), "version=1.2.3");
        Map<String, String> facts = host.describe("kv.go");
        assertEquals(facts.toString(), "serving", facts.get("state"));
        long pid = Long.parseLong(facts.get("pid"));
        assertEquals("the pid is a live kv-go child of this JVM", List.of(pid),
                host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
        assertEquals("grpc, app protocol 1", facts.get("protocol"));
        Path socket = Path.of(facts.get("socket"));
        assertEquals("the socket is in its own folder in the socket root", host.sockets,
                socket.getParent().getParent());
        assertTrue(socket + " exists", Files.exists(socket));
        assertNotEquals("-", facts.get("uptime"));
        assertEquals("0", facts.get("restarts"));
        assertEquals("none", facts.get("last exit"));
        assertEquals(bin("kv-go").toString(), facts.get("command"));
        assertEquals(Hashes.sha256(bin("kv-go")).substring(0, 12), facts.get("sha256"));
        assertEquals(file.toString(), facts.get("descriptor"));
        await("the Started line", () -> host.loggers.handlerLines().contains(
                "info: Started go-plugin kv.go 1.2.3 (pid " + pid + ", grpc, app protocol 1, socket " + socket + ")"));
    }

    @Test
    public void uninstallStopsTheProcessAndRemovesItsSocketFolder() throws Exception {
        Path file = host.install("kv.go", bin("kv-go"));
        long pid = host.pid("kv.go");
        assertEquals(1, host.socketFolders().size());
        host.handler.uninstall(file);
        assertFalse("the service is unregistered", host.registered("kv.go"));
        assertTrue("pid " + pid + " is gone when uninstall returns", gone(pid));
        assertEquals("socket folders left", List.of(), host.socketFolders());
        assertEquals(Map.of(), host.describe("kv.go"));
        assertEquals(List.of(), host.handler.installed());
        // Stopped with Shutdown, not killed: kv-go exits cleanly and says nothing at ERROR.
        assertEquals(List.of(), host.loggers.pluginLines("kv.go", "0.0.0").stream()
                .filter(line -> line.startsWith("error:")).toList());
    }

    @Test
    public void deactivateStopsEveryPlugin() throws Exception {
        host.install("kv.a", bin("kv-go"));
        host.install("kv.b", bin("kv-go"));
        long a = host.pid("kv.a");
        long b = host.pid("kv.b");
        assertEquals(2, host.pluginProcesses().size());
        host.deactivate();
        assertTrue("kv.a's pid " + a + " is gone", gone(a));
        assertTrue("kv.b's pid " + b + " is gone", gone(b));
        assertEquals(List.of(), host.pluginProcesses());
        assertFalse(host.registered("kv.a"));
        assertFalse(host.registered("kv.b"));
        assertEquals("socket folders left", List.of(), host.socketFolders());
        // Supervisors, the event loop, the spawning thread and the output drains all end with the handler.
        await("no thread of the handler left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("plugboard-goplugin-") || t.getName().startsWith("goplugin ")));
    }
}
