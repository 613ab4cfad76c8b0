package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static io.plugboard.goplugin.internal.RealHost.gone;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.kv.KeyValueStore;

/**
 * Callers under load while the real plugin is killed with SIGKILL or replaced: no acknowledged
 * write is lost and no call fails, since callers wait for the next instance.
 */
public class RealKillAndReplaceTest {

    @Rule
    public final RealHost host = new RealHost();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> callers = new CopyOnWriteArrayList<>();
    /** Every Put that returned, key to value. */
    private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @After
    public void stopCallers() throws InterruptedException {
        running.set(false);
        for (Thread caller : callers) {
            caller.join(RealHost.WAIT.toMillis());
        }
    }

    /** Starts a thread that Puts distinct keys (and, when asked, reads each back) until stopped. */
    private void startCaller(KeyValueStore store, String prefix, boolean readBack) {
        Thread caller = new Thread(() -> {
            for (int n = 0; running.get(); n++) {
                String key = prefix + "-" + n;
                byte[] value = (key + " value").getBytes(StandardCharsets.UTF_8);
                try {
                    store.put(key, value);
                    acknowledged.put(key, value);
                    if (readBack) {
                        assertArrayEquals(key, value, store.get(key).orElseThrow());
                    }
                    calls.incrementAndGet();
                } catch (RuntimeException | AssertionError e) {
                    failures.add(e);
                    if (failures.size() >= 100) {
                        return; // broken for good: enough to tell
                    }
                }
            }
        }, "caller " + prefix);
        caller.start();
        callers.add(caller);
    }

    /** Waits until the callers made this many more calls (none may have failed). */
    private void awaitProgress(int more) {
        int target = calls.get() + more;
        await(more + " more calls", () -> calls.get() >= target || !failures.isEmpty());
        assertNoFailedCalls();
    }

    /** Fails with the number of failed calls and the first few of them. */
    private void assertNoFailedCalls() {
        assertEquals("failed calls, the first of them: " + failures.stream().limit(3).map(Throwable::toString).toList(),
                0, failures.size());
    }

    private void stopAndCheckCallers(KeyValueStore store) throws InterruptedException {
        stopCallers();
        assertNoFailedCalls();
        for (Map.Entry<String, byte[]> put : acknowledged.entrySet()) {
            assertArrayEquals("acknowledged Put of " + put.getKey(), put.getValue(),
                    store.get(put.getKey()).orElseThrow(() -> new AssertionError("lost: " + put.getKey())));
        }
    }

    @Test
    public void noAcknowledgedPutIsLostWhenThePluginIsKilledTwiceUnderLoad() throws Exception {
        host.install("kv.go", bin("kv-go"));
        KeyValueStore store = host.store("kv.go");
        for (int i = 0; i < 4; i++) {
            startCaller(store, "t" + i, false);
        }
        for (int kill = 1; kill <= 2; kill++) {
            awaitProgress(40);
            long pid = host.pid("kv.go");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            int restarts = kill;
            await("restart " + kill, () -> {
                Map<String, String> facts = host.describe("kv.go");
                return "serving".equals(facts.get("state")) && facts.get("restarts").equals(String.valueOf(restarts));
            });
            assertTrue(gone(pid));
        }
        awaitProgress(40);
        stopAndCheckCallers(store);
        Map<String, String> facts = host.describe("kv.go");
        assertEquals("2", facts.get("restarts"));
        assertEquals("killed by SIGKILL", facts.get("last exit"));
        assertEquals("one socket folder: the killed instances' are removed", 1, host.socketFolders().size());
        assertTrue(acknowledged.size() >= 120);
    }

    @Test
    public void aReplacedBinaryTakesOverWithoutFailedCalls() throws Exception {
        Path binary = host.copy("kv-go", "kv-bin");
        host.install("kv.swap", binary);
        KeyValueStore store = host.store("kv.swap");
        long oldPid = host.pid("kv.swap");
        String oldSha = host.describe("kv.swap").get("sha256");
        startCaller(store, "a", true);
        startCaller(store, "b", true);
        awaitProgress(20);
        // Written beside it and renamed over it, as an installer does: the watch sees a complete file.
        Path next = host.copy("kv-misbehave", "kv-bin.new");
        Files.move(next, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String newSha = Hashes.sha256(binary).substring(0, 12);
        assertNotEquals(oldSha, newSha);
        await("the new binary serves", () -> newSha.equals(host.describe("kv.swap").get("sha256")));
        long newPid = host.pid("kv.swap");
        assertNotEquals(oldPid, newPid);
        await("the old process is gone", () -> gone(oldPid));
        awaitProgress(20);
        stopAndCheckCallers(store);
        Map<String, String> facts = host.describe("kv.swap");
        assertEquals("serving", facts.get("state"));
        assertEquals("a replacement is no restart", "0", facts.get("restarts"));
        assertEquals(List.of(newPid), host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().stream().anyMatch(line ->
                line.startsWith("info: go-plugin kv.swap: " + binary + " changed (sha256 " + newSha + ")")));
    }

    @Test
    public void aChangedDescriptorTakesOverWithoutFailedCalls() throws Exception {
        Path file = host.install("kv.swap", bin("kv-go"), "version=1.0");
        KeyValueStore store = host.store("kv.swap");
        long oldPid = host.pid("kv.swap");
        startCaller(store, "a", true);
        startCaller(store, "b", true);
        awaitProgress(20);
        host.descriptor("kv.swap", bin("kv-misbehave"), "version=2.0");
        host.handler.install(file);
        long newPid = host.pid("kv.swap");
        assertNotEquals(oldPid, newPid);
        assertEquals(Hashes.sha256(bin("kv-misbehave")).substring(0, 12), host.describe("kv.swap").get("sha256"));
        await("the old process is gone", () -> gone(oldPid));
        awaitProgress(20);
        stopAndCheckCallers(store);
        assertEquals("the registration stays, with the new version", "2.0.0",
                host.serviceProperty("kv.swap", PluginProperties.VERSION));
        assertSame(store, host.store("kv.swap"));
        assertEquals(List.of(newPid), host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
    }

    @Test
    public void aReplacementThatDoesNotStartLeavesTheOldInstanceServing() throws Exception {
        Path binary = host.copy("kv-go", "kv-bin");
        Path file = host.install("kv.swap", binary);
        KeyValueStore store = host.store("kv.swap");
        long pid = host.pid("kv.swap");
        startCaller(store, "a", true);
        startCaller(store, "b", true);
        awaitProgress(20);

        // A descriptor with a cookie the plugin refuses: install reports it, the old instance serves on.
        host.descriptor("kv.swap", binary, "cookie=BASIC_PLUGIN=goodbye");
        PluginFileException e = assertThrows(PluginFileException.class, () -> host.handler.install(file));
        assertTrue(e.getMessage(), e.getMessage().startsWith("kv.swap did not start: wrong magic cookie: "));
        awaitProgress(20);
        assertEquals(pid, host.pid("kv.swap"));

        // A binary that fails at once: the log says so, the old instance serves on.
        Path broken = host.temp.getRoot().toPath().resolve("broken");
        Files.writeString(broken, "#!/bin/sh\necho 'broken build' >&2\nexit 1\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(broken, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await("the failed replacement is logged", () -> host.loggers.handlerLines().stream().anyMatch(line ->
                line.startsWith("error: go-plugin kv.swap: the changed binary did not start, the running instance"
                        + " goes on: kv.swap did not start: the plugin exited before its handshake (exit code 1).")));
        awaitProgress(20);
        stopAndCheckCallers(store);
        Map<String, String> facts = host.describe("kv.swap");
        assertEquals("serving", facts.get("state"));
        assertEquals(String.valueOf(pid), facts.get("pid"));
        assertEquals(List.of(pid), host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
        assertEquals("only the running instance's socket folder", 1, host.socketFolders().size());
    }

    @Test
    public void aPluginGivenUpOnABrokenBinaryServesAgainWhenTheGoodBinaryIsPutBack() throws Exception {
        Path binary = host.copy("kv-go", "kv-bin");
        host.install("kv.back", binary);
        host.store("kv.back").put("k", "before".getBytes(StandardCharsets.UTF_8));
        long pid = host.pid("kv.back");
        String goodSha = host.describe("kv.back").get("sha256");

        // A broken build replaces it: it does not start, the running instance serves on.
        Path broken = host.temp.getRoot().toPath().resolve("broken");
        Files.writeString(broken, "#!/bin/sh\necho 'broken build' >&2\nexit 3\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(broken, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await("the failed replacement is logged", () -> host.loggers.handlerLines().stream().anyMatch(line ->
                line.startsWith("error: go-plugin kv.back: the changed binary did not start, the running instance"
                        + " goes on: ")));
        assertEquals("serving", host.describe("kv.back").get("state"));
        assertEquals(pid, host.pid("kv.back"));

        // Killed: every restart starts the broken binary on disk, until the budget is spent.
        await("given up", () -> {
            Map<String, String> facts = host.describe("kv.back");
            if ("serving".equals(facts.get("state"))) {
                ProcessHandle.of(Long.parseLong(facts.get("pid"))).ifPresent(ProcessHandle::destroyForcibly);
            }
            return "failed".equals(facts.get("state"));
        });
        assertFalse("the service is unregistered", host.registered("kv.back"));
        Map<String, String> failed = host.describe("kv.back");
        assertEquals("start failed: the plugin exited before its handshake (exit code 3) (last stderr: broken build)",
                failed.get("last exit"));
        assertEquals("restarted 3 times in 60 s, last exit start failed: the plugin exited before its handshake"
                + " (exit code 3) (last stderr: broken build)", failed.get("reason"));
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().contains("error: go-plugin"
                + " kv.back failed: restarted 3 times in 60 s, last exit start failed: the plugin exited before its"
                + " handshake (exit code 3); its kv service is unregistered. Last stderr lines:\n  broken build"));

        // The good binary back, the same bytes as the instance that served last: a change from the
        // broken one on disk, so it comes back, as README promises.
        Path good = host.copy("kv-go", "kv-bin.new");
        Files.move(good, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await("it serves again", () -> "serving".equals(host.describe("kv.back").get("state"))
                && host.registered("kv.back"));
        Map<String, String> facts = host.describe("kv.back");
        assertEquals(goodSha, facts.get("sha256"));
        assertNotEquals(pid, Long.parseLong(facts.get("pid")));
        KeyValueStore store = host.store("kv.back");
        assertArrayEquals("before".getBytes(StandardCharsets.UTF_8), store.get("k").orElseThrow());
        store.put("k", "after".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("after".getBytes(StandardCharsets.UTF_8), store.get("k").orElseThrow());
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().stream().anyMatch(line ->
                line.startsWith("info: go-plugin kv.back: " + binary + " changed (sha256 " + goodSha
                        + "); starting it, as it is failed")));
        assertEquals(List.of(Long.parseLong(facts.get("pid"))),
                host.pluginProcesses().stream().map(ProcessHandle::pid).toList());
    }
}
