package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static io.plugboard.goplugin.internal.RealHost.gone;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.kv.KeyValueStoreException;

/** Real plugins that panic, hang, keep dying or ignore Shutdown, supervised by the real path. */
public class RealCrashesTest {

    @Rule
    public final RealHost host = new RealHost();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void aPanicOnACallFailsThatCallIsLoggedWithItsStackAndThePluginIsRestarted() throws Exception {
        host.install("kv.panic", bin("kv-misbehave"), "env=MISBEHAVE=panic-on-call", "version=0.9");
        KeyValueStore store = host.store("kv.panic");
        long pid = host.pid("kv.panic");
        assertEquals(Optional.empty(), store.get("k"));
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.put("k", bytes("v")));
        assertEquals("kv.panic crashed during the call: exit code 2 (last stderr: panic: kv-misbehave:"
                + " panic-on-call). The call is not retried: it may be what made the plugin panic, and it may or may"
                + " not have taken effect", e.getMessage());
        // The panic goes to the plugin's logger at ERROR, as one message with its goroutine stack.
        List<String> errors = host.loggers.pluginLines("kv.panic", "0.9.0").stream()
                .filter(line -> line.startsWith("error: ")).toList();
        assertEquals(errors.toString(), 1, errors.size());
        assertTrue(errors.get(0), errors.get(0).startsWith("error: panic: kv-misbehave: panic-on-call\n"));
        assertTrue(errors.get(0), errors.get(0).contains("\ngoroutine "));
        assertTrue(errors.get(0), errors.get(0).contains("main.panicOnPut.Put("));
        await("restarted", () -> "serving".equals(host.describe("kv.panic").get("state")));
        Map<String, String> facts = host.describe("kv.panic");
        assertEquals("1", facts.get("restarts"));
        assertEquals("exit code 2 (last stderr: panic: kv-misbehave: panic-on-call)", facts.get("last exit"));
        assertNotEquals(pid, host.pid("kv.panic"));
        assertTrue(gone(pid));
        assertEquals("kv keeps serving", Optional.empty(), store.get("k"));
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().stream().anyMatch(line ->
                line.startsWith("warn: go-plugin kv.panic ended: exit code 2 (last stderr: panic: kv-misbehave:"
                        + " panic-on-call); restarting in 20 ms")));
    }

    @Test
    public void aHungCallFailsAtTheCallDeadlineAndOtherCallsGoOn() throws Exception {
        // Not shorter: the Puts below fsync, which a loaded disk can make slow.
        host.install("kv.hang", bin("kv-misbehave"), "env=MISBEHAVE=hang-on-call", "call-timeout-ms=1000");
        KeyValueStore store = host.store("kv.hang");
        CompletableFuture<Optional<byte[]>> get = CompletableFuture.supplyAsync(() -> store.get("k"));
        // Bounded here too: a Get that hangs fails the test instead of hanging it.
        Throwable failure = assertThrows(Exception.class, () -> get.get(RealHost.WAIT.toSeconds(), TimeUnit.SECONDS))
                .getCause();
        assertTrue(String.valueOf(failure), failure instanceof KeyValueStoreException);
        assertEquals("kv.hang did not answer within 1000 ms", failure.getMessage());
        store.put("k", bytes("v"));
        store.put("k2", bytes("v2"));
        Map<String, String> facts = host.describe("kv.hang");
        assertEquals("serving", facts.get("state"));
        assertEquals("a hung call is no reason to restart", "0", facts.get("restarts"));
    }

    @Test
    public void aPluginThatKeepsDyingIsRestartedWithBackoffThenFailsAndIsWithdrawn() throws Exception {
        host.install("kv.die", bin("kv-misbehave"), "env=MISBEHAVE=die-every MISBEHAVE_AFTER_MS=300");
        KeyValueStore store = host.store("kv.die");
        assertEquals(Optional.empty(), store.get("k"));
        await("failed", () -> "failed".equals(host.describe("kv.die").get("state")));
        assertFalse("the service is unregistered", host.registered("kv.die"));
        Map<String, String> facts = host.describe("kv.die");
        assertEquals("restarted 3 times in 60 s, last exit exit code 1 (last stderr: die-every: exiting"
                + " after_ms=300)", facts.get("reason"));
        assertEquals("3", facts.get("restarts"));
        assertEquals("exit code 1 (last stderr: die-every: exiting after_ms=300)", facts.get("last exit"));
        assertEquals("-", facts.get("pid"));
        List<String> warnings = host.loggers.handlerLines().stream()
                .filter(line -> line.startsWith("warn: go-plugin kv.die ended: exit code 1")).toList();
        assertEquals(warnings.toString(), 3, warnings.size());
        // The backoff doubles: 20, 40, 80 ms.
        assertTrue(warnings.get(0), warnings.get(0).contains("restarting in 20 ms (restart 1 of at most 3"));
        assertTrue(warnings.get(1), warnings.get(1).contains("restarting in 40 ms (restart 2 of at most 3"));
        assertTrue(warnings.get(2), warnings.get(2).contains("restarting in 80 ms (restart 3 of at most 3"));
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.die failed: restarted 3 times in 60 s, last exit exit code 1 (last stderr: die-every:"
                + " exiting after_ms=300)", e.getMessage());
        assertEquals(List.of(), host.pluginProcesses());
        assertEquals("socket folders left", List.of(), host.socketFolders());
    }

    @Test
    public void aFrozenPluginFailsItsHealthChecksAndIsKilledAndRestarted() throws Exception {
        host.install("kv.frozen", bin("kv-go"), "health-interval-ms=100", "call-timeout-ms=500");
        KeyValueStore store = host.store("kv.frozen");
        long pid = host.pid("kv.frozen");
        // SIGSTOP: the process lives but answers nothing, the health service included.
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start();
        assertEquals(0, stop.waitFor());
        await("restarted", () -> "1".equals(host.describe("kv.frozen").get("restarts"))
                && "serving".equals(host.describe("kv.frozen").get("state")));
        assertTrue(gone(pid));
        assertEquals("killed by SIGKILL after 2 failed health checks", host.describe("kv.frozen").get("last exit"));
        assertEquals(Optional.empty(), store.get("k"));
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().contains(
                "error: go-plugin kv.frozen (pid " + pid + ") failed 2 health checks in a row; killing it"));
    }

    @Test
    public void aPluginThatIgnoresShutdownIsKilledAfterTheGrace() throws Exception {
        Path file = host.install("kv.stubborn", bin("kv-misbehave"), "env=MISBEHAVE=ignore-shutdown");
        long pid = host.pid("kv.stubborn");
        host.store("kv.stubborn").put("k", bytes("v"));
        host.handler.uninstall(file);
        assertTrue("pid " + pid + " is gone when uninstall returns", gone(pid));
        assertFalse(host.registered("kv.stubborn"));
        assertEquals(List.of(), host.pluginProcesses());
        assertEquals("socket folders left", List.of(), host.socketFolders());
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().contains("warn: go-plugin"
                + " kv.stubborn (pid " + pid + ") did not exit within 2 s after Shutdown; killed it"));
    }
}
