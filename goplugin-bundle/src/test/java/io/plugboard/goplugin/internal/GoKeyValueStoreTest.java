package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.FakePlugin.await;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.goplugin.internal.wire.KvCallException;
import io.plugboard.testing.RecordingLogger;

/** The KV service's calls, waits, retries and error words, on a real supervisor with {@link FakePlugin}. */
public class GoKeyValueStoreTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final FakePlugin plugin = new FakePlugin();
    private Supervisor supervisor;
    private GoKeyValueStore store;

    @Before
    public void setUp() throws Exception {
        Path folder = temp.getRoot().toPath();
        DescriptorTest.executable(folder.resolve("kv-plugin"), "#!/bin/sh\n");
        Path file = folder.resolve("kv.go.goplugin");
        Files.writeString(file, "name=kv.go\ntype=kv\ncommand=kv-plugin\ncookie=BASIC_PLUGIN=hello\ncall-timeout-ms=2000\n");
        Descriptor descriptor = Descriptor.read(file, folder.resolve("work"));
        supervisor = new Supervisor(descriptor, plugin, s -> new FakePlugin.Published(plugin.events),
                new RecordingLogger().logger(), SupervisorTest.FAST);
        store = new GoKeyValueStore(supervisor);
        supervisor.start();
    }

    @After
    public void tearDown() {
        plugin.openGate();
        supervisor.stop();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void valuesGoInAndOutByteForByte() {
        byte[] value = {0, 1, (byte) 0xff, 10};
        store.put("a/b c.ü", value);
        value[0] = 42; // the caller reuses its array
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff, 10}, store.get("a/b c.ü").orElseThrow());
        store.put("empty", new byte[0]);
        assertArrayEquals(new byte[0], store.get("empty").orElseThrow());
        assertEquals(Optional.empty(), store.get("missing"));
    }

    @Test
    public void badKeysAndNullValuesAreRefusedBeforeAnyCall() {
        assertEquals("key must not be empty",
                assertThrows(IllegalArgumentException.class, () -> store.put("", bytes("v"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.get(null));
        assertThrows(IllegalArgumentException.class, () -> store.get("a\nb"));
        assertEquals("value must not be null (key \"k\")",
                assertThrows(IllegalArgumentException.class, () -> store.put("k", null)).getMessage());
        assertEquals(0, plugin.last().calls.get());
    }

    @Test
    public void deleteAndKeysAreNotInTheProtocol() {
        assertEquals("kv.go is a go-plugin KV plugin; its protocol has only Get and Put, so delete is not supported",
                assertThrows(UnsupportedOperationException.class, () -> store.delete("k")).getMessage());
        assertEquals("kv.go is a go-plugin KV plugin; its protocol has only Get and Put, so listing keys is not"
                + " supported", assertThrows(UnsupportedOperationException.class, store::keys).getMessage());
    }

    @Test
    public void aCallPastItsDeadlineNamesThePluginAndTheDeadline() {
        plugin.last().failNextCall(KvCallException.Kind.DEADLINE, "DEADLINE_EXCEEDED: deadline exceeded after 2s");
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.go did not answer within 2000 ms", e.getMessage());
        assertEquals("not retried: a hung plugin must not hang the caller twice", 1, plugin.last().calls.get());
    }

    @Test
    public void thePluginsOwnErrorIsPassedOn() {
        plugin.last().failNextCall(KvCallException.Kind.PLUGIN_ERROR, "open kv_k: permission denied");
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.put("k", bytes("v")));
        assertEquals("kv.go: open kv_k: permission denied", e.getMessage());
        assertTrue(e.getCause() instanceof KvCallException);
    }

    @Test
    public void aCallOnAProcessThatJustDiedIsRetriedOnTheRestartedOne() {
        store.put("k", bytes("kept"));
        FakePlugin.Instance dying = plugin.last();
        // The process is gone but its end has not reached the supervisor yet: hold the restart
        // so the call must wait for it.
        plugin.closeGate();
        dying.crash(2, "panic: boom");
        assertArrayEquals(bytes("kept"), getWhileRestartIsReleased("k"));
        assertEquals(2, plugin.instances.size());
    }

    private byte[] getWhileRestartIsReleased(String key) {
        CompletableFuture<Optional<byte[]>> call = CompletableFuture.supplyAsync(() -> store.get(key));
        await("the call waits", supervisor::hasWaitingCalls);
        plugin.openGate();
        return call.join().orElseThrow();
    }

    @Test
    public void aConnectionLostForGoodIsReportedAfterTheCallTimeout() {
        // The process lives on but cannot be reached: no other instance comes.
        plugin.last().failNextCall(KvCallException.Kind.UNAVAILABLE, "connection refused");
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.go lost its connection and did not serve again within 2000 ms", e.getMessage());
    }

    @Test
    public void aRetryThatFailsAgainIsReported() {
        FakePlugin.Instance first = plugin.last();
        first.failNextCall(KvCallException.Kind.UNAVAILABLE, "connection refused");
        plugin.failFirstCallOfNextInstance(KvCallException.Kind.UNAVAILABLE, "Network closed for unknown reason");
        plugin.closeGate();
        CompletableFuture<Optional<byte[]>> call = CompletableFuture.supplyAsync(() -> store.get("k"));
        await("the call waits for another instance", supervisor::hasWaitingCalls);
        first.crash(2);
        plugin.openGate();
        CompletionException e = assertThrows(CompletionException.class, call::join);
        assertTrue(e.getCause() instanceof KeyValueStoreException);
        assertEquals("kv.go cannot be reached: Network closed for unknown reason", e.getCause().getMessage());
        assertEquals(1, plugin.last().calls.get());
    }

    @Test
    public void aCallInFlightWhenThePluginPanicsIsNotRetried() {
        FakePlugin.Instance first = plugin.last();
        // The call reaches the live process, which then dies of a panic (as if the call made it panic).
        first.failNextCall(KvCallException.Kind.UNAVAILABLE, "Network closed for unknown reason");
        plugin.closeGate();
        CompletableFuture<Optional<byte[]>> call = CompletableFuture.supplyAsync(() -> store.get("k"));
        await("the call waits for another instance", supervisor::hasWaitingCalls);
        first.crash(2, "panic: runtime error: index out of range", "", "goroutine 7 [running]:");
        plugin.openGate();
        CompletionException e = assertThrows(CompletionException.class, call::join);
        assertTrue(e.getCause() instanceof KeyValueStoreException);
        assertEquals("kv.go crashed during the call: exit code 2 (last stderr: panic: runtime error: index out of"
                + " range). The call is not retried: it may be what made the plugin panic, and it may or may not have"
                + " taken effect", e.getCause().getMessage());
        assertEquals("the restarted instance got no call", 0, plugin.last().calls.get());
    }

    @Test
    public void aCallInFlightWhenThePluginIsKilledIsRetried() {
        store.put("k", bytes("kept"));
        FakePlugin.Instance first = plugin.last();
        first.failNextCall(KvCallException.Kind.UNAVAILABLE, "Network closed for unknown reason");
        plugin.closeGate();
        CompletableFuture<Optional<byte[]>> call = CompletableFuture.supplyAsync(() -> store.get("k"));
        await("the call waits for another instance", supervisor::hasWaitingCalls);
        first.kill();
        plugin.openGate();
        assertArrayEquals(bytes("kept"), call.join().orElseThrow());
    }
}
