package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.FakePlugin.await;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.goplugin.internal.Supervisor.State;
import io.plugboard.goplugin.internal.launch.ProcessExit;
import io.plugboard.testing.RecordingLogger;

/**
 * The supervisor's state machine and the KV service on top of it, with {@link FakePlugin}: real
 * supervisor threads, in-memory plugin instances.
 */
public class SupervisorTest {

    static final Supervisor.Settings FAST = new Supervisor.Settings(
            new RestartPolicy.Limits(Duration.ofMillis(1), Duration.ofMillis(4), 3, Duration.ofSeconds(60)),
            Duration.ofMillis(100), Duration.ofHours(1), 2);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final FakePlugin plugin = new FakePlugin(events);
    private final FakePlugin.Published published = new FakePlugin.Published(events);
    private final RecordingLogger log = new RecordingLogger();
    private Path folder;
    private Path binary;
    private Supervisor supervisor;
    private GoKeyValueStore store;

    @Before
    public void setUp() throws IOException {
        folder = temp.newFolder("plugins").toPath();
        binary = DescriptorTest.executable(folder.resolve("kv-plugin"), "#!/bin/sh\n# v1\n");
    }

    @After
    public void tearDown() {
        plugin.openGate();
        if (supervisor != null) {
            supervisor.stop();
        }
    }

    private Descriptor descriptor(String extra) throws Exception {
        Path file = folder.resolve("kv.go.goplugin");
        Files.writeString(file, "name=kv.go\ntype=kv\ncommand=kv-plugin\ncookie=BASIC_PLUGIN=hello\n" + extra);
        return Descriptor.read(file, temp.getRoot().toPath().resolve("work"));
    }

    private Supervisor started(String extra, Supervisor.Settings settings) throws Exception {
        supervisor = new Supervisor(descriptor(extra), plugin, s -> published, log.logger(), settings);
        store = new GoKeyValueStore(supervisor);
        supervisor.start();
        return supervisor;
    }

    private Supervisor started(String extra) throws Exception {
        return started(extra, FAST);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private State state() {
        return supervisor.status().state();
    }

    @Test
    public void startServesAndPublishes() throws Exception {
        started("version=1.2.0\n");
        assertEquals(State.SERVING, state());
        assertEquals(List.of("start 101", "publish kv.go 1.2.0"), events);
        store.put("k", bytes("v"));
        assertArrayEquals(bytes("v"), store.get("k").orElseThrow());
        assertEquals(Optional.empty(), store.get("missing"));
        // Said by the supervisor's thread, once the caller has its start.
        await("the Started line", () -> log.lines("info").contains(
                "info: Started go-plugin kv.go 1.2.0 (pid 101, grpc, app protocol 1, socket /tmp/pb1/plugin101)"));
    }

    @Test
    public void aFailedFirstStartReportsWhyAndLeavesNothing() throws Exception {
        plugin.failNextStart("kv.go did not start: wrong magic cookie");
        supervisor = new Supervisor(descriptor(""), plugin, s -> published, log.logger(), FAST);
        PluginFileException e = assertThrows(PluginFileException.class, supervisor::start);
        assertEquals("kv.go did not start: wrong magic cookie", e.getMessage());
        assertFalse(published.published());
        assertEquals(State.STOPPED, state());
        awaitNoSupervisorThread();
    }

    @Test
    public void theFirstInstanceStartsAndIsPublishedOnTheCallerAndEverythingAfterOnTheSupervisorThread()
            throws Exception {
        started("");
        String caller = Thread.currentThread().getName();
        assertEquals(List.of(caller), plugin.startThreads);
        assertEquals(caller, published.publishThread);
        plugin.last().crash(2, "panic: boom");
        // SERVING is set before the publish, which records the thread: wait for both.
        await("restarted", () -> plugin.instances.size() == 2 && state() == State.SERVING
                && "plugboard-goplugin-kv.go-supervisor".equals(published.publishThread));
        assertEquals(List.of(caller, "plugboard-goplugin-kv.go-supervisor"), plugin.startThreads);
        assertEquals("plugboard-goplugin-kv.go-supervisor", published.publishThread);
    }

    @Test
    public void aFirstInstanceThatEndsWhileItIsPublishedIsRestarted() throws Exception {
        // The first instance is published on the caller and watched later, on the supervisor's
        // thread: an end that is known already when the watching begins must still lead to a restart.
        AtomicBoolean crashed = new AtomicBoolean();
        Supervisor.Publication crashing = new Supervisor.Publication() {
            @Override
            public void publish(Descriptor d) {
                published.publish(d);
                if (crashed.compareAndSet(false, true)) {
                    plugin.last().crash(2, "panic: early");
                }
            }

            @Override
            public void withdraw() {
                published.withdraw();
            }
        };
        supervisor = new Supervisor(descriptor(""), plugin, s -> crashing, log.logger(), FAST);
        store = new GoKeyValueStore(supervisor);
        supervisor.start();
        await("restarted", () -> plugin.instances.size() == 2 && state() == State.SERVING);
        assertTrue(published.published());
        assertEquals(1, supervisor.status().restarts());
    }

    /**
     * The fake plugin as ProcessStarter runs a start: the connecting step (where the supervisor
     * publishes) comes after the handshake and before the plugin is known to serve, which the fake
     * stands for by holding the start at its gate after the step.
     */
    private InstanceStarter connectingBeforeServing() {
        return new InstanceStarter() {
            @Override
            public PluginInstance start(Descriptor d) throws PluginFileException {
                return plugin.start(d);
            }

            @Override
            public PluginInstance start(Descriptor d, Steps steps) throws PluginFileException {
                steps.whileLaunching().run();
                steps.whileConnecting().run();
                return plugin.start(d);
            }
        };
    }

    /** Starts the supervisor on another thread; what start throws goes to {@code thrown}. */
    private Thread startInBackground(AtomicReference<Throwable> thrown) {
        Thread installer = new Thread(() -> {
            try {
                supervisor.start();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "test-installer");
        installer.start();
        return installer;
    }

    @Test
    public void theServiceIsPublishedOnceTheHandshakeIsAcceptedAndCallsWaitUntilThePluginServes() throws Exception {
        plugin.closeGate();
        supervisor = new Supervisor(descriptor(""), connectingBeforeServing(), s -> published, log.logger(), FAST);
        store = new GoKeyValueStore(supervisor);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread installer = startInBackground(thrown);
        await("published while the plugin connects", published::published);
        assertEquals(State.STARTING, state());
        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> store.put("k", bytes("v")));
        await("the call waits for the plugin to serve", supervisor::hasWaitingCalls);
        assertFalse(put.isDone());
        plugin.openGate();
        put.get(10, TimeUnit.SECONDS);
        installer.join(10_000);
        assertNull(thrown.get());
        assertEquals(State.SERVING, state());
        assertArrayEquals(bytes("v"), store.get("k").orElseThrow());
        assertEquals(List.of("publish kv.go 0.0.0", "start 101"), events);
    }

    @Test
    public void aStartThatFailsAfterItsHandshakeWithdrawsTheServiceAndTellsWaitingCallsWhy() throws Exception {
        plugin.closeGate();
        plugin.failNextStart("kv.go (pid 101) did not report SERVING on grpc.health.v1.Health for service \"plugin\"");
        supervisor = new Supervisor(descriptor(""), connectingBeforeServing(), s -> published, log.logger(), FAST);
        store = new GoKeyValueStore(supervisor);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread installer = startInBackground(thrown);
        await("published while the plugin connects", published::published);
        CompletableFuture<Optional<byte[]>> get = CompletableFuture.supplyAsync(() -> store.get("k"));
        await("the call waits for the plugin to serve", supervisor::hasWaitingCalls);
        plugin.openGate();
        installer.join(10_000);
        assertTrue(String.valueOf(thrown.get()), thrown.get() instanceof PluginFileException);
        assertFalse(published.published());
        assertEquals(List.of("publish kv.go 0.0.0", "start failed", "withdraw"), events);
        assertEquals(State.STOPPED, state());
        Throwable e = assertThrows(Exception.class, () -> get.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(String.valueOf(e), e instanceof KeyValueStoreException);
        assertEquals("kv.go is stopped: did not start: kv.go (pid 101) did not report SERVING on"
                + " grpc.health.v1.Health for service \"plugin\"", e.getMessage());
        awaitNoSupervisorThread();
    }

    @Test
    public void anInterruptedFirstStartFailsAndLeavesNothing() throws Exception {
        plugin.closeGate();
        supervisor = new Supervisor(descriptor(""), plugin, s -> published, log.logger(), FAST);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = startInBackground(thrown);
        await("the start waits at the gate", () -> plugin.startThreads.size() == 1);
        caller.interrupt();
        caller.join(10_000);
        assertTrue(String.valueOf(thrown.get()), thrown.get() instanceof PluginFileException);
        assertEquals(List.of("test-installer"), plugin.startThreads);
        assertFalse(published.published());
        assertEquals(State.STOPPED, state());
        assertTrue(plugin.instances.isEmpty());
        awaitNoSupervisorThread();
    }

    @Test
    public void aCrashedPluginIsRestartedWhileCallsWait() throws Exception {
        started("");
        store.put("k", bytes("before"));
        FakePlugin.Instance first = plugin.last();
        long callsBefore = first.calls.get();
        plugin.closeGate();
        first.crash(2, "panic: boom", "", "goroutine 1 [running]:");
        await("restarting", () -> state() == State.RESTARTING);
        assertTrue("released after its end", first.released);
        CompletableFuture<Optional<byte[]>> waiting = CompletableFuture.supplyAsync(() -> store.get("k"));
        await("the call waits for the next instance", supervisor::hasWaitingCalls);
        assertEquals("no call reached the ended instance", callsBefore, first.calls.get());
        plugin.openGate();
        assertArrayEquals(bytes("before"), waiting.get(10, TimeUnit.SECONDS).orElseThrow());
        assertEquals(State.SERVING, state());
        Supervisor.Status status = supervisor.status();
        assertEquals(1, status.restarts());
        assertEquals("exit code 2 (last stderr: panic: boom)", status.lastExit());
        assertTrue("the service stays published across the restart", published.published());
        assertFalse(events.toString(), events.contains("withdraw"));
        assertTrue(log.lines("warn").toString(), log.lines("warn").stream().anyMatch(line -> line.contains(
                "go-plugin kv.go ended: exit code 2 (last stderr: panic: boom); restarting in 1 ms (restart 1 of at most 3")));
    }

    @Test
    public void aCallThatWaitsTooLongNamesTheRestartAndTheLastExit() throws Exception {
        started("call-timeout-ms=50\n");
        plugin.closeGate();
        plugin.last().crash(2, "panic: boom");
        await("restarting", () -> state() == State.RESTARTING);
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.go is restarting after exit code 2 (last stderr: panic: boom) and did not come back within"
                + " 50 ms", e.getMessage());
    }

    @Test
    public void aPluginThatKeepsDyingFailsAndIsWithdrawn() throws Exception {
        started("");
        plugin.dieAtEveryStart(new ProcessExit(-1, "SIGKILL", List.of("out of memory")));
        plugin.last().kill();
        await("failed", () -> state() == State.FAILED);
        Supervisor.Status status = supervisor.status();
        assertEquals("restarted 3 times in 60 s, last exit killed by SIGKILL (last stderr: out of memory)",
                status.reason());
        assertEquals(3, status.restarts());
        assertEquals(4, plugin.instances.size());
        assertFalse(published.published());
        assertEquals("withdraw", events.get(events.size() - 1));
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.go failed: restarted 3 times in 60 s, last exit killed by SIGKILL (last stderr: out of"
                + " memory)", e.getMessage());
        // The telling line is in the reason above; the ERROR line has all the lines after it instead.
        assertEquals(log.lines("error").toString(), List.of("error: go-plugin kv.go failed: restarted 3 times in 60 s,"
                + " last exit killed by SIGKILL; its kv service is unregistered. Last stderr lines:\n  out of memory"),
                log.lines("error"));
    }

    @Test
    public void theErrorLineOfAPluginWhoseRestartsDidNotStartSaysEachThingOnce() throws Exception {
        // A start that failed before its handshake has its process's stderr lines at the end of its
        // message; the line used to take them into the reason and then say "Last stderr lines: none".
        started("");
        for (int i = 0; i < 3; i++) {
            plugin.failNextStart(new StartFailedException("kv.go did not start: the plugin exited before its"
                    + " handshake (exit code 3). Last stderr lines:\n  loading config\n  broken build",
                    "the plugin exited before its handshake (exit code 3)", List.of("loading config", "broken build"),
                    null));
        }
        plugin.last().crash(1);
        await("failed", () -> state() == State.FAILED);
        assertEquals(List.of("error: go-plugin kv.go failed: restarted 3 times in 60 s, last exit start failed: the"
                + " plugin exited before its handshake (exit code 3); its kv service is unregistered. Last stderr"
                + " lines:\n  loading config\n  broken build"), log.lines("error"));
        Supervisor.Status status = supervisor.status();
        assertEquals("start failed: the plugin exited before its handshake (exit code 3) (last stderr: broken build)",
                status.lastExit());
        assertEquals("restarted 3 times in 60 s, last exit start failed: the plugin exited before its handshake"
                + " (exit code 3) (last stderr: broken build)", status.reason());
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get("k"));
        assertEquals("kv.go failed: " + status.reason(), e.getMessage());
        assertTrue(log.lines("warn").toString(), log.lines("warn").contains("warn: go-plugin kv.go ended: start failed:"
                + " the plugin exited before its handshake (exit code 3) (last stderr: broken build); restarting in 2 ms"
                + " (restart 2 of at most 3 in 60 s)"));
    }

    @Test
    public void theErrorLineSaysSoWhenThereAreNoStderrLines() throws Exception {
        started("");
        plugin.dieAtEveryStart(new ProcessExit(-1, "SIGKILL", List.of()));
        plugin.last().kill();
        await("failed", () -> state() == State.FAILED);
        assertEquals(List.of("error: go-plugin kv.go failed: restarted 3 times in 60 s, last exit killed by SIGKILL;"
                + " its kv service is unregistered. Last stderr lines: none"), log.lines("error"));
        assertEquals("restarted 3 times in 60 s, last exit killed by SIGKILL", supervisor.status().reason());
    }

    @Test
    public void startsThatFailDuringRestartsSpendTheBudgetToo() throws Exception {
        started("");
        for (int i = 0; i < 3; i++) {
            plugin.failNextStart("kv.go did not start: exited with code 1 before the handshake");
        }
        plugin.last().crash(1);
        await("failed", () -> state() == State.FAILED);
        assertEquals("restarted 3 times in 60 s, last exit start failed: kv.go did not start: exited with code 1"
                + " before the handshake", supervisor.status().reason());
    }

    @Test
    public void restartNeverFailsAtTheFirstEnd() throws Exception {
        started("restart=never\n");
        plugin.last().crash(2);
        await("failed", () -> state() == State.FAILED);
        assertEquals("ended (exit code 2) and restart is never", supervisor.status().reason());
        assertEquals(1, plugin.instances.size());
        assertFalse(published.published());
    }

    @Test
    public void onFailureStopsAfterACleanExit() throws Exception {
        started("");
        plugin.last().crash(0);
        await("stopped", () -> state() == State.STOPPED);
        assertFalse(published.published());
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.put("k", bytes("v")));
        assertEquals("kv.go is stopped: ended by itself (exit code 0) and restart on-failure does not restart a clean"
                + " exit", e.getMessage());
    }

    @Test
    public void alwaysRestartsAfterACleanExit() throws Exception {
        started("restart=always\n");
        plugin.last().crash(0);
        await("restarted", () -> plugin.instances.size() == 2 && state() == State.SERVING);
        assertTrue(published.published());
    }

    @Test
    public void aPluginThatFailsTwoHealthChecksIsKilledAndRestarted() throws Exception {
        started("health-interval-ms=5\n");
        FakePlugin.Instance sick = plugin.last();
        sick.healthy = false;
        await("restarted", () -> plugin.instances.size() == 2 && state() == State.SERVING);
        assertTrue(sick.ended());
        assertEquals(new ProcessExit(-1, "SIGKILL", List.of()), sick.exit().join());
        assertEquals("killed by SIGKILL after 2 failed health checks", supervisor.status().lastExit());
        assertTrue(log.lines("error").toString(), log.lines("error").contains(
                "error: go-plugin kv.go (pid 101) failed 2 health checks in a row; killing it"));
    }

    @Test
    public void oneMissedHealthCheckIsForgiven() throws Exception {
        started("health-interval-ms=5\n");
        FakePlugin.Instance flaky = plugin.last();
        flaky.failingHealthChecks.set(1);
        int before = flaky.healthChecks.get();
        await("more checks after the miss", () -> flaky.healthChecks.get() > before + 5);
        assertEquals(List.of("warn: go-plugin kv.go (pid 101) failed a health check (1 of 2 in a row)"),
                log.lines("warn"));
        assertFalse(flaky.ended());
        assertEquals(1, plugin.instances.size());
    }

    @Test
    public void aPluginThatMissedAHealthCheckShowsAsUnhealthyUntilItPassesOne() throws Exception {
        // Checks a second apart: the unhealthy spell between the miss and the next check is long
        // enough to be seen by polling.
        started("health-interval-ms=1000\n");
        FakePlugin.Instance flaky = plugin.last();
        assertEquals(0, supervisor.status().healthMisses());
        flaky.failingHealthChecks.set(1);
        await("the miss shown", () -> supervisor.status().healthMisses() == 1);
        assertEquals("unhealthy", PluginFacts.of(supervisor.status(), java.time.Instant.now()).get("state"));
        await("healthy again", () -> supervisor.status().healthMisses() == 0);
        assertEquals("serving", PluginFacts.of(supervisor.status(), java.time.Instant.now()).get("state"));
        assertTrue(log.lines("info").toString(), log.lines("info").contains(
                "info: go-plugin kv.go (pid 101) passed a health check again, after 1 failed"));
        assertEquals(1, plugin.instances.size());
    }

    @Test
    public void aReplacementServesBeforeTheOldInstanceStopsAndNoCallFails() throws Exception {
        started("version=1.0\n");
        FakePlugin.Instance old = plugin.last();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                try {
                    store.put("k" + i % 10, bytes("v" + i));
                    store.get("k" + i % 10).orElseThrow();
                    done.incrementAndGet();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
                i++;
            }
        }, "test-caller");
        caller.start();
        await("calls flow", () -> done.get() > 20);
        supervisor.replace(descriptor("version=2.0\n"));
        FakePlugin.Instance fresh = plugin.last();
        assertSame(fresh, supervisor.status().instance());
        await("the old instance stopped", () -> old.stopped);
        long onNew = fresh.calls.get();
        await("calls go to the new instance", () -> fresh.calls.get() > onNew + 20);
        running.set(false);
        caller.join(10_000);
        assertNull("no call failed", failure.get());
        assertEquals(List.of("start 101", "publish kv.go 1.0.0", "start 102", "publish kv.go 2.0.0", "stop 101"),
                events);
        assertEquals("2.0.0", supervisor.descriptor().version().toString());
        assertEquals(0, supervisor.status().restarts());
    }

    @Test
    public void aCallCutOffByTheReplacementIsRetriedOnTheNewInstance() throws Exception {
        started("");
        FakePlugin.Instance old = plugin.last();
        // As a call in flight when Shutdown reaches the old process: it loses its connection.
        old.failNextCall(io.plugboard.goplugin.internal.wire.KvCallException.Kind.UNAVAILABLE, "Network closed");
        plugin.closeGate();
        CompletableFuture<Void> replaced = CompletableFuture.runAsync(() -> {
            try {
                supervisor.replace(descriptor("version=2.0\n"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> store.put("k", bytes("v")));
        await("the call waits for another instance", () -> old.calls.get() == 1 && supervisor.hasWaitingCalls());
        plugin.openGate();
        replaced.get(10, TimeUnit.SECONDS);
        call.get(10, TimeUnit.SECONDS);
        assertEquals(1, plugin.last().calls.get());
        assertArrayEquals(bytes("v"), plugin.store.get("k"));
    }

    @Test
    public void aReplacementThatDoesNotStartLeavesTheOldOneServing() throws Exception {
        started("version=1.0\n");
        FakePlugin.Instance old = plugin.last();
        plugin.failNextStart("kv.go did not start: app protocol version 3 is not one the host speaks (1)");
        PluginFileException e = assertThrows(PluginFileException.class,
                () -> supervisor.replace(descriptor("version=2.0\n")));
        assertEquals("kv.go did not start: app protocol version 3 is not one the host speaks (1)", e.getMessage());
        assertSame(old, supervisor.status().instance());
        assertEquals("1.0.0", supervisor.descriptor().version().toString());
        assertFalse(old.stopped);
        store.put("k", bytes("still"));
        assertArrayEquals(bytes("still"), store.get("k").orElseThrow());
    }

    @Test
    public void aReplacementBringsAFailedPluginBack() throws Exception {
        started("restart=never\n");
        plugin.last().crash(2);
        await("failed", () -> state() == State.FAILED);
        supervisor.replace(descriptor("restart=never\nversion=1.1\n"));
        assertEquals(State.SERVING, state());
        assertNull(supervisor.status().reason());
        assertTrue(published.published());
        store.put("k", bytes("back"));
    }

    @Test
    public void stopWithdrawsFirstThenStopsTheProcessAndEndsTheThread() throws Exception {
        started("");
        assertTrue(supervisorThreadAlive());
        supervisor.stop();
        assertEquals(List.of("start 101", "publish kv.go 0.0.0", "withdraw", "stop 101"), events);
        assertTrue(plugin.last().released);
        assertEquals(State.STOPPED, state());
        awaitNoSupervisorThread();
        assertEquals("kv.go is stopped", assertThrows(KeyValueStoreException.class, () -> store.get("k")).getMessage());
        supervisor.stop(); // a second stop does nothing
        assertEquals(4, events.size());
        PluginFileException e = assertThrows(PluginFileException.class, () -> supervisor.replace(descriptor("")));
        assertEquals("kv.go is stopped", e.getMessage());
    }

    @Test
    public void aStopDuringTheBackoffCancelsTheRestart() throws Exception {
        Supervisor.Settings slowBackoff = new Supervisor.Settings(
                new RestartPolicy.Limits(Duration.ofHours(1), Duration.ofHours(1), 3, Duration.ofSeconds(60)),
                Duration.ofMillis(100), Duration.ofHours(1), 2);
        started("", slowBackoff);
        plugin.last().crash(3);
        await("restarting", () -> state() == State.RESTARTING);
        supervisor.stop();
        awaitNoSupervisorThread();
        assertEquals(1, plugin.instances.size());
        assertEquals(State.STOPPED, state());
    }

    @Test
    public void theSupervisorThreadIsNamedAfterThePluginAndIsADaemon() throws Exception {
        started("");
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("plugboard-goplugin-kv.go-supervisor")).findFirst().orElseThrow();
        assertTrue(thread.isDaemon());
    }

    @Test
    public void aChangedBinaryReplacesTheRunningInstance() throws Exception {
        Supervisor.Settings watching = new Supervisor.Settings(FAST.limits(), FAST.stopGrace(), Duration.ofMillis(5),
                2);
        started("", watching);
        FakePlugin.Instance old = plugin.last();
        String before = Hashes.sha256(binary);
        assertNull("not hashed at the start: no sha256 pinned", old.binary().knownSha256());
        Path next = DescriptorTest.executable(folder.resolve("kv-plugin.new"), "#!/bin/sh\n# v2\n");
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await("replaced", () -> plugin.instances.size() == 2 && old.stopped);
        assertEquals("the watch hashed the old instance's open binary", before, old.binary().knownSha256());
        assertEquals(Hashes.sha256(binary), supervisor.status().instance().binary().sha256());
        assertFalse(before.equals(supervisor.status().instance().binary().sha256()));
        assertEquals(State.SERVING, state());
    }

    @Test
    public void aChangedBinaryWithTheWrongHashIsRefusedAndTheOldOneServes() throws Exception {
        Supervisor.Settings watching = new Supervisor.Settings(FAST.limits(), FAST.stopGrace(), Duration.ofMillis(5),
                2);
        started("sha256=" + Hashes.sha256(binary) + "\n", watching);
        FakePlugin.Instance old = plugin.last();
        Path next = DescriptorTest.executable(folder.resolve("kv-plugin.new"), "#!/bin/sh\n# tampered\n");
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await("the refusal is logged", () -> !log.lines("error").isEmpty());
        assertTrue(log.lines("error").get(0), log.lines("error").get(0).startsWith(
                "error: go-plugin kv.go: the changed binary did not start, the running instance goes on: kv.go: "
                        + binary + " has SHA-256 "));
        assertSame(old, supervisor.status().instance());
        assertFalse(old.stopped);
        assertEquals(1, plugin.instances.size());
    }

    private static boolean supervisorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("plugboard-goplugin-kv.go-") && t.isAlive());
    }

    static void awaitNoSupervisorThread() {
        await("the supervisor thread ended", () -> !supervisorThreadAlive());
    }
}
