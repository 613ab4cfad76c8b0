package io.plugboard.host.internal.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.Test;
import org.osgi.framework.Version;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.host.internal.state.StateLedger;
import io.plugboard.host.internal.state.StateReceipt;
import io.plugboard.testing.RecordingLogger;

/** Blue/green switches between running versions of one plugin move its state live (PluginTable + LiveStateSwitch). */
public class LiveStateSwitchTest {

    /** Long enough never to run out in a test that expects the wait to end well. */
    private static final Duration PATIENT = Duration.ofSeconds(20);

    private final RecordingLogger log = new RecordingLogger();
    private final List<String> ledgerCalls = new CopyOnWriteArrayList<>();
    private final StateLedger ledger = new StateLedger() {
        @Override
        public void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes) {
            ledgerCalls.add(pluginName + " " + fromVersion + " bundle " + fromBundleId + " -> bundle " + toBundleId);
        }

        @Override
        public List<StateReceipt> receipts(long bundleId) {
            return List.of();
        }

        @Override
        public void keepAfterUninstall(long bundleId) {
        }
    };
    private final PluginTable table = new PluginTable(type -> null, (type, active) -> { }, PATIENT,
            bundleId -> "was uninstalled", new LiveStateSwitch(log.logger(), () -> ledger));
    private final KeyValueStore kv = table.service(KeyValueStore.TYPE, KeyValueStore.class);
    private long nextServiceId = 100;

    private PluginCandidate add(String type, String name, String version, long bundleId, Object service) {
        PluginCandidate candidate = new PluginCandidate(name, type, Version.parseVersion(version), bundleId,
                nextServiceId++, 0, service);
        table.add(candidate);
        return candidate;
    }

    private PluginCandidate kvMemory(String version, long bundleId, LiveStore store) {
        return add(KeyValueStore.TYPE, "kv.memory", version, bundleId, store);
    }

    private String active() {
        return table.active(KeyValueStore.TYPE).map(p -> p.name() + " " + p.version()).orElse("none");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    public void theNewestVersionArrivingTakesTheStateOverAndCallsFollowIt() {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f1");
        kvMemory("1.0.0", 7, blue);
        kv.put("a", bytes("1"));

        kvMemory("2.0.0", 8, green);

        assertEquals("kv.memory 2.0.0", active());
        assertEquals(List.of("a"), green.heldKeys());
        assertEquals("1.0.0", green.tookOverFrom);
        assertThrows(PluginStoppedException.class, blue::keys);
        kv.put("b", bytes("2"));
        assertEquals(List.of("a", "b"), green.heldKeys());
        assertEquals(List.of("kv.memory 1.0.0 bundle 7 -> bundle 8"), ledgerCalls);
        assertTrue(log.lines().toString(), log.lines("info").stream().anyMatch(line -> line.startsWith(
                "info: State of plugin kv.memory handed over live from kv.memory 1.0.0 (bundle 7) to kv.memory 2.0.0 (bundle 8): ")));
    }

    @Test
    public void pinningTheFirstVersionAgainResumesItWithEverythingWrittenMeanwhile() {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f1");
        kvMemory("1.0.0", 7, blue);
        kv.put("a", bytes("1"));
        kvMemory("2.0.0", 8, green);
        kv.put("b", bytes("2"));

        table.select(KeyValueStore.TYPE, "kv.memory", "1.0.0");

        assertEquals("kv.memory 1.0.0", active());
        assertEquals(List.of("a", "b"), kv.keys());
        assertEquals(List.of("a", "b"), blue.heldKeys());
        assertEquals("2.0.0", blue.tookOverFrom);
        assertThrows(PluginStoppedException.class, green::keys);
    }

    @Test
    public void removingTheServingVersionHandsItsStateToTheOtherBeforeItGoes() {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f1");
        table.replaceSelections(java.util.Map.of(KeyValueStore.TYPE, new Selection("kv.memory", Version.parseVersion("1.0.0"))));
        PluginCandidate first = kvMemory("1.0.0", 7, blue);
        kvMemory("2.0.0", 8, green);
        kv.put("a", bytes("1"));
        assertEquals("kv.memory 1.0.0", active());

        table.remove(first.serviceId());

        assertEquals("kv.memory 2.0.0", active());
        assertEquals(List.of("a"), kv.keys());
    }

    @Test
    public void aVersionThatCannotTakeOverIsNotSwitchedToAndTheServingOneKeepsItsState() {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f2");
        kvMemory("1.0.0", 7, blue);
        kv.put("a", bytes("1"));

        kvMemory("2.0.0", 8, green);

        assertEquals("kv.memory 1.0.0", active());
        assertEquals(List.of("a"), kv.keys());
        assertEquals(List.of(), green.heldKeys());
        String why = "kv.memory 2.0.0 (bundle 8) cannot take over the state of kv.memory 1.0.0 (bundle 7): "
                + "state in format f1, green reads only f2; kv.memory 1.0.0 (bundle 7) keeps serving";
        assertEquals(List.of("error: " + why), log.lines("error"));
        assertEquals(List.of(), ledgerCalls);

        // Another change does not try again...
        add(Greeter.TYPE, "greeter.en", "1.0.0", 9, (Greeter) n -> "Hello " + n);
        assertEquals("kv.memory 1.0.0", active());
        assertEquals(1, log.lines("error").size());

        // ...but asking for it does, and says why it cannot; the selection stays as it was.
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> table.select(KeyValueStore.TYPE, "kv.memory", "2.0.0"));
        assertEquals(why, refused.getMessage());
        assertEquals(Optional.empty(), table.pinnedVersion(KeyValueStore.TYPE));
        assertEquals(Optional.empty(), table.selection(KeyValueStore.TYPE));
        assertEquals("kv.memory 1.0.0", active());
        kv.put("b", bytes("2"));
        assertEquals(List.of("a", "b"), blue.heldKeys());
    }

    @Test
    public void whenTheLeavingVersionsStateCannotBeTakenOverItGetsItBackToHandToTheHost() {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f2");
        table.replaceSelections(java.util.Map.of(KeyValueStore.TYPE, new Selection("kv.memory", Version.parseVersion("1.0.0"))));
        PluginCandidate first = kvMemory("1.0.0", 7, blue);
        kvMemory("2.0.0", 8, green);
        kv.put("a", bytes("1"));

        table.remove(first.serviceId());

        assertEquals("kv.memory 2.0.0", active());
        assertEquals("the leaving version holds its state again, for its deactivate", List.of("a"), blue.heldKeys());
        assertEquals(List.of("error: kv.memory 2.0.0 (bundle 8) cannot take over the state of kv.memory 1.0.0 (bundle 7): "
                + "state in format f1, green reads only f2; kv.memory 2.0.0 (bundle 8) serves without it, as kv.memory"
                + " 1.0.0 (bundle 7) is going away (it hands its state to the host as it stops)"), log.lines("error"));
    }

    @Test
    public void pluginsThatDoNotTakePartSwitchAsBefore() {
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        add(Greeter.TYPE, "greeter.en", "1.0.0", 7, (Greeter) n -> "Hello " + n);
        add(Greeter.TYPE, "greeter.en", "2.0.0", 8, (Greeter) n -> "Hi " + n);
        assertEquals("Hi Ann", greeter.greet("Ann"));
        assertEquals(List.of(), log.lines());

        // Only one side takes part: switched all the same, with a warning.
        // A store that does not implement LiveStateHandover, delegating to one that does.
        KeyValueStore plain = new LiveStore("plain", "f1");
        KeyValueStore hidden = new KeyValueStore() {
            @Override
            public void put(String key, byte[] value) {
                plain.put(key, value);
            }

            @Override
            public Optional<byte[]> get(String key) {
                return plain.get(key);
            }

            @Override
            public boolean delete(String key) {
                return plain.delete(key);
            }

            @Override
            public List<String> keys() {
                return plain.keys();
            }
        };
        kvMemory("1.0.0", 9, new LiveStore("blue", "f1"));
        add(KeyValueStore.TYPE, "kv.memory", "2.0.0", 10, hidden);
        assertEquals("kv.memory 2.0.0", active());
        assertEquals(List.of("warn: kv.memory 2.0.0 (bundle 10) now serves instead of kv.memory 1.0.0 (bundle 9) without"
                + " their state: only kv.memory 1.0.0 (bundle 9) hands state over live"), log.lines("warn"));
    }

    @Test
    public void switchingToAnotherPluginNameMovesNothing() {
        LiveStore memory = new LiveStore("memory", "f1");
        LiveStore other = new LiveStore("other", "f1");
        kvMemory("1.0.0", 7, memory);
        kv.put("a", bytes("1"));
        add(KeyValueStore.TYPE, "kv.other", "1.0.0", 8, other);

        table.select(KeyValueStore.TYPE, "kv.other");

        assertEquals(List.of(), kv.keys());
        assertEquals(List.of("a"), memory.heldKeys());
        assertEquals(List.of(), ledgerCalls);
    }

    @Test
    public void aCallThatFoundAnInstanceStoppedTriesItAgainOnceItServesAgain() {
        // A caller found blue stopped; before it retried, the type went to green and back to blue.
        LiveStore blue = new LiveStore("blue", "f1");
        // A short timeout: a call that waited for another target would fail with PluginUnavailableException.
        TypeSlot slot = new TypeSlot(KeyValueStore.TYPE, TimeUnit.MILLISECONDS.toNanos(200), () -> "kv", id -> "went");
        slot.update(blue, info("1.0.0", 7), null, null);
        blue.put("a", bytes("1"));

        List<String> keys = slot.call(KeyValueStore.class, blue, KeyValueStore::keys);

        assertEquals(List.of("a"), keys);
    }

    @Test
    public void aCallWaitingOnAStoppedInstanceRunsOnItOnceItIsWokenAsResumed() throws Exception {
        LiveStore blue = new LiveStore("blue", "f1");
        TypeSlot slot = new TypeSlot(KeyValueStore.TYPE, TimeUnit.SECONDS.toNanos(20), () -> "kv", id -> "went");
        slot.update(blue, info("1.0.0", 7), null, null);
        byte[] state = blue.handOverLive();
        java.util.concurrent.CompletableFuture<List<String>> call = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> slot.call(KeyValueStore.class, blue, KeyValueStore::keys));
        // It cannot finish while blue is stopped and nothing changes.
        assertThrows(java.util.concurrent.TimeoutException.class, () -> call.get(300, TimeUnit.MILLISECONDS));

        blue.takeOverLive(new io.plugboard.api.state.HandedOverState("1.0.0", state));
        slot.wake();

        assertEquals(List.of(), call.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void writersThroughTheStandInLoseNothingAcrossSwitchesBackAndForthAndRefusedSwitches() throws Exception {
        LiveStore blue = new LiveStore("blue", "f1");
        LiveStore green = new LiveStore("green", "f1");
        kvMemory("1.0.0", 7, blue);
        kvMemory("2.0.0", 8, green);
        int writers = 4;
        AtomicLongArray acknowledged = new AtomicLongArray(writers);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                for (long n = 0; running.get(); n++) {
                    try {
                        kv.put("t" + writer + "-" + n, bytes("v" + n));
                        acknowledged.set(writer, n + 1);
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    // Many puts a second, yet CPU left for the switches on a small machine.
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            }, "writer-" + w);
            threads.add(thread);
            thread.start();
        }
        try {
            for (int i = 0; i < 40; i++) {
                awaitProgress(acknowledged);
                table.select(KeyValueStore.TYPE, "kv.memory", i % 2 == 0 ? "1.0.0" : "2.0.0");
                if (i % 10 == 5) {
                    // Follow the newest, then a third, newest version arrives that cannot read the
                    // state: refused while the writers run; the serving one takes its state back.
                    table.select(KeyValueStore.TYPE, "kv.memory");
                    awaitProgress(acknowledged);
                    PluginCandidate odd = kvMemory("3.0.0", 9, new LiveStore("odd", "f9"));
                    awaitProgress(acknowledged);
                    table.remove(odd.serviceId());
                }
            }
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        assertEquals("no call failed: " + failures.stream().limit(3).toList(), 0, failures.size());
        long total = 0;
        for (int w = 0; w < writers; w++) {
            for (long n = 0; n < acknowledged.get(w); n++, total++) {
                String key = "t" + w + "-" + n;
                Optional<byte[]> stored = kv.get(key);
                assertTrue(key + " was acknowledged but is lost", stored.isPresent());
                assertArrayEquals(bytes("v" + n), stored.get());
            }
        }
        assertTrue("the writers made progress: " + total, total >= 40 * 50);
        assertEquals(4, log.lines("error").size());
    }

    /** Waits until every writer has made progress: a switch then happens under load. */
    private static void awaitProgress(AtomicLongArray acknowledged) {
        long[] before = new long[acknowledged.length()];
        for (int i = 0; i < before.length; i++) {
            before[i] = acknowledged.get(i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < before.length; i++) {
            while (acknowledged.get(i) < before[i] + 50) {
                assertTrue("writer " + i + " made no progress", System.nanoTime() < deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }
    }

    private static PluginInfo info(String version, long bundleId) {
        return new PluginInfo("kv.memory", KeyValueStore.TYPE, version, bundleId, 1, 0, true);
    }
}
