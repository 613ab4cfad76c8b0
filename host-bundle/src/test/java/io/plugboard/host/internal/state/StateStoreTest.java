package io.plugboard.host.internal.state;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.Test;

import io.plugboard.api.state.HandedOverState;
import io.plugboard.testing.RecordingLogger;

public class StateStoreTest {

    private static final StateOwner V1 = new StateOwner("io.plugboard.kv-memory", "1.0.0", 7);
    private static final StateOwner V2 = new StateOwner("io.plugboard.kv-memory", "2.0.0", 7);

    private final RecordingLogger log = new RecordingLogger();
    private static final Instant NOW = Instant.parse("2026-11-23T10:11:12Z");
    private static final Duration GRACE = Duration.ofSeconds(60);
    private final MovableClock clock = new MovableClock(NOW);
    private final StateStore store = new StateStore(log.logger(), clock, GRACE);

    /** A clock the test moves on. */
    private static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    public void nextVersionReceivesStateWithTheVersionThatHandedItOver() {
        store.handOver(V1, "kv.memory", new byte[] {1, 2, 3});

        HandedOverState received = store.receive(V2, "kv.memory").orElseThrow();

        assertEquals("1.0.0", received.fromVersion());
        assertArrayEquals(new byte[] {1, 2, 3}, received.data());
    }

    @Test
    public void nothingHandedOverMeansNothingReceived() {
        assertTrue(store.receive(V1, "kv.memory").isEmpty());
    }

    @Test
    public void stateIsKeptUntilReplacedSoAFailedStartDoesNotLoseIt() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        // A version that receives and then fails to start never hands over: the state stays.
        store.receive(new StateOwner("io.plugboard.kv-memory", "3.0.0", 7), "kv.memory");
        assertEquals("1.0.0", store.receive(V2, "kv.memory").orElseThrow().fromVersion());

        store.handOver(V2, "kv.memory", new byte[] {2});
        HandedOverState latest = store.receive(V1, "kv.memory").orElseThrow();
        assertEquals("2.0.0", latest.fromVersion());
        assertArrayEquals(new byte[] {2}, latest.data());
    }

    @Test
    public void stateIsKeptApartByBundleAndPluginName() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.handOver(V1, "kv.other", new byte[] {2});

        assertTrue(store.receive(new StateOwner("io.plugboard.kv-file", "1.0.0", 8), "kv.memory").isEmpty());
        assertArrayEquals(new byte[] {2}, store.receive(V1, "kv.other").orElseThrow().data());
    }

    @Test
    public void stateIsCopiedInAndOut() {
        byte[] state = {1, 2};
        store.handOver(V1, "kv.memory", state);
        state[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, store.receive(V2, "kv.memory").orElseThrow().data());
    }

    @Test
    public void uninstallingTheBundleThatHandedStateOverDiscardsIt() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        StateOwner otherBundle = new StateOwner("io.plugboard.greeter-en", "1.0.0", 9);
        store.handOver(otherBundle, "greeter.en", new byte[] {2});

        store.discard(7, "io.plugboard.kv-memory 1.0.0");

        // A reinstall gets a new bundle id but the same symbolic name: it must start empty.
        assertTrue(store.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
        assertTrue(store.receive(otherBundle, "greeter.en").isPresent());
        assertTrue(log.lines("info").toString(), log.lines("info").stream().anyMatch(line ->
                line.contains("Discarded state of plugin kv.memory (1 bytes from version 1.0.0)")));
    }

    @Test
    public void aBundleWhoseJarLeftTheFolderLeavesItsStateForABundleOfItsNameInstalledWithinTheGrace() {
        store.handOver(V1, "kv.memory", new byte[] {1, 2});
        store.tookOverLive("kv.other", 5, "1.0.0", 7, 1);

        store.keepForGrace(7, "io.plugboard.kv-memory", "io.plugboard.kv-memory 1.0.0");
        assertEquals("the uninstalled bundle's receipts go with it", List.of(), store.receipts(7));
        clock.advance(GRACE.minusSeconds(1));

        // The jar put back: a new bundle id, the same symbolic name.
        StateOwner back = new StateOwner("io.plugboard.kv-memory", "1.0.0", 12);
        assertTrue("another symbolic name gets nothing",
                store.receive(new StateOwner("io.plugboard.kv-file", "1.0.0", 13), "kv.memory").isEmpty());
        HandedOverState received = store.receive(back, "kv.memory").orElseThrow();

        assertArrayEquals(new byte[] {1, 2}, received.data());
        assertEquals("1.0.0", received.fromVersion());
        assertEquals(List.of(new StateReceipt("kv.memory", "1.0.0", 7, 2, StateReceipt.How.REINSTALL, clock.instant())),
                store.receipts(12));
        assertEquals("kv.memory took over the state of kv.memory 1.0.0 (bundle 7, 2 bytes) after its jar was put back"
                + " in the plugins folder at 2026-11-23 10:12:11", store.receipts(12).get(0).summary(ZoneOffset.UTC));
        assertTrue(log.lines("info").toString(), log.lines("info").contains("info: State of plugin kv.memory received"
                + " by io.plugboard.kv-memory 1.0.0 (bundle 12): 2 bytes from version 1.0.0, kept since"
                + " io.plugboard.kv-memory 1.0.0 (bundle 7) left with its jar"));
        // The new bundle keeps it as its own, past the grace: a restart of its plugin receives it again.
        clock.advance(GRACE);
        store.expire();
        assertArrayEquals(new byte[] {1, 2}, store.receive(back, "kv.memory").orElseThrow().data());
    }

    @Test
    public void keptStateIsDiscardedWithALineOnceTheGraceIsOver() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.keepForGrace(7, "io.plugboard.kv-memory", "io.plugboard.kv-memory 1.0.0");

        clock.advance(GRACE);
        store.expire();

        assertTrue(log.lines("info").toString(), log.lines("info").contains("info: Discarded state of plugin kv.memory"
                + " (1 bytes from version 1.0.0): io.plugboard.kv-memory 1.0.0 (bundle 7) left with its jar and no"
                + " bundle io.plugboard.kv-memory came back within 60000 ms"));
        assertTrue(store.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
    }

    @Test
    public void keptStateIsNotReceivedPastTheGraceEvenIfNotExpiredYet() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.keepForGrace(7, "io.plugboard.kv-memory", "io.plugboard.kv-memory 1.0.0");
        clock.advance(GRACE.plusMillis(1));
        assertTrue(store.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
    }

    @Test
    public void anExplicitUninstallDiscardsAtOnceEvenWithAGrace() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.discard(7, "io.plugboard.kv-memory 1.0.0");
        assertTrue(store.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
    }

    @Test
    public void withoutAGraceAJarThatLeftDiscardsAtOnce() {
        StateStore noGrace = new StateStore(log.logger(), clock, Duration.ZERO);
        noGrace.handOver(V1, "kv.memory", new byte[] {1});
        noGrace.keepForGrace(7, "io.plugboard.kv-memory", "io.plugboard.kv-memory 1.0.0");
        assertTrue(noGrace.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
    }

    @Test
    public void newerStateOfTheNameSupersedesKeptState() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.keepForGrace(7, "io.plugboard.kv-memory", "io.plugboard.kv-memory 1.0.0");
        // A bundle of the name installed side by side meanwhile hands over its own state.
        StateOwner other = new StateOwner("io.plugboard.kv-memory", "2.0.0", 8);
        store.handOver(other, "kv.memory", new byte[] {2});

        assertTrue(store.receive(new StateOwner("io.plugboard.kv-memory", "1.0.0", 12), "kv.memory").isEmpty());
    }

    @Test
    public void aBundleOfTheSameNameSideBySideNeitherReceivesNorLosesTheOthersState() {
        // Side by side: 2.0.0 (bundle 8) handed over; 1.0.0 (bundle 7) never gets it (state moves
        // between running versions only live), and uninstalling 1.0.0 keeps it for bundle 8.
        StateOwner side = new StateOwner("io.plugboard.kv-memory", "2.0.0", 8);
        store.handOver(side, "kv.memory", new byte[] {2});
        assertTrue(store.receive(V1, "kv.memory").isEmpty());
        store.discard(7, "io.plugboard.kv-memory 1.0.0");
        assertArrayEquals(new byte[] {2}, store.receive(side, "kv.memory").orElseThrow().data());
    }

    @Test
    public void aReceiveAfterAnUpdateIsRecordedWithVersionBytesAndTime() {
        store.handOver(V1, "kv.memory", new byte[] {1, 2, 3});
        assertEquals(List.of(), store.receipts(7));

        store.receive(V2, "kv.memory");

        assertEquals(List.of(new StateReceipt("kv.memory", "1.0.0", 7, 3, StateReceipt.How.UPDATE, NOW)), store.receipts(7));
        assertEquals("kv.memory took over the state of kv.memory 1.0.0 (bundle 7, 3 bytes) by an update in place"
                + " at 2026-11-23 10:11:12", store.receipts(7).get(0).summary(ZoneOffset.UTC));
        assertEquals(List.of(), store.receipts(8));
    }

    @Test
    public void aRestartKeepsTheReceiptOfTheVersionReallyReplaced() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.receive(V2, "kv.memory");
        // The refresh after the update restarts 2.0.0: it hands over to itself and receives that.
        store.handOver(V2, "kv.memory", new byte[] {1, 2});
        store.receive(V2, "kv.memory");

        assertEquals("1.0.0", store.receipts(7).get(0).fromVersion());
    }

    @Test
    public void aFirstVersionRestartedRecordsItsOwnState() {
        store.handOver(V1, "kv.memory", new byte[] {1});
        store.receive(V1, "kv.memory");
        assertEquals("1.0.0", store.receipts(7).get(0).fromVersion());
    }

    @Test
    public void aLiveHandoverIsRecordedForTheTakerAndDropsTheGiversStoredState() {
        StateOwner blue = new StateOwner("io.plugboard.kv-memory", "1.0.0", 7);
        StateOwner green = new StateOwner("io.plugboard.kv-memory", "2.0.0", 8);
        store.handOver(blue, "kv.memory", new byte[] {1}); // from an earlier stop of bundle 7: stale
        store.handOver(blue, "kv.other", new byte[] {2});

        store.tookOverLive("kv.memory", 7, "1.0.0", 8, 1234);

        assertEquals("kv.memory took over the state of kv.memory 1.0.0 (bundle 7, 1234 bytes) side by side"
                + " at 2026-11-23 10:11:12", store.receipts(8).get(0).summary(ZoneOffset.UTC));
        assertTrue("bundle 7 handed newer state on; the stale copy must not come back",
                store.receive(blue, "kv.memory").isEmpty());
        assertTrue(store.receive(blue, "kv.other").isPresent());
        assertTrue(store.receive(green, "kv.memory").isEmpty());
        assertTrue(log.lines("info").toString(), log.lines("info").contains("info: Dropped the stored state of plugin"
                + " kv.memory of bundle 7 (1 bytes from version 1.0.0): it handed newer state to bundle 8 live"));
    }

    @Test
    public void uninstallingABundleDropsItsReceipts() {
        store.tookOverLive("kv.memory", 7, "1.0.0", 8, 10);
        store.tookOverLive("kv.memory", 8, "2.0.0", 9, 10);
        store.discard(8, "io.plugboard.kv-memory 2.0.0");
        assertEquals(List.of(), store.receipts(8));
        assertEquals(1, store.receipts(9).size());
    }

    @Test
    public void logsHandOverAndReceiveWithVersionsAndSizes() {
        store.handOver(V1, "kv.memory", new byte[5]);
        store.receive(V2, "kv.memory");

        assertEquals(List.of(
                "info: State of plugin kv.memory handed over by io.plugboard.kv-memory 1.0.0 (bundle 7): 5 bytes",
                "info: State of plugin kv.memory received by io.plugboard.kv-memory 2.0.0 (bundle 7): 5 bytes from version 1.0.0"),
                log.lines("info"));
    }

    @Test
    public void rejectsMissingOrBlankNamesAndNullState() {
        assertEquals("plugin name must not be null",
                assertThrows(IllegalArgumentException.class, () -> store.handOver(V1, null, new byte[0])).getMessage());
        assertEquals("plugin name must not be blank (it was \" \")",
                assertThrows(IllegalArgumentException.class, () -> store.receive(V1, " ")).getMessage());
        assertEquals("plugin name must not be null",
                assertThrows(IllegalArgumentException.class, () -> store.receive(V1, null)).getMessage());
        assertEquals("state must not be null (plugin kv.memory); hand over an empty array to keep nothing",
                assertThrows(IllegalArgumentException.class, () -> store.handOver(V1, "kv.memory", null)).getMessage());
        assertTrue(store.receive(V1, "kv.memory").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.tookOverLive(" ", 7, "1.0.0", 8, 1));
    }
}
