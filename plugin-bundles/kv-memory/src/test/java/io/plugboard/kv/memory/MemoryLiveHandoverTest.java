package io.plugboard.kv.memory;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.Test;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.state.HandedOverState;
import io.plugboard.testing.RecordingLogger;

/** kv.memory handing its entries to a version running side by side (LiveStateHandover), without a framework. */
public class MemoryLiveHandoverTest {

    private final RecordingLogger log = new RecordingLogger();
    private final TestHandover handover = new TestHandover();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private MemoryKeyValueStore start(String version) {
        return new MemoryKeyValueStore(version, log.logger(), handover);
    }

    /** Moves v1's entries to v2 as the host does on a blue/green switch. */
    private static void switchLive(MemoryKeyValueStore from, String fromVersion, MemoryKeyValueStore to) {
        to.takeOverLive(new HandedOverState(fromVersion, from.handOverLive()));
    }

    @Test
    public void theOtherVersionTakesOverEveryEntryAndTheFirstRefusesCalls() {
        MemoryKeyValueStore v1 = start("1.0.0");
        MemoryKeyValueStore v2 = start("2.0.0");
        v1.put("a", bytes("1"));
        v1.put("ä/b c", new byte[] {0, -1, 127});

        switchLive(v1, "1.0.0", v2);

        assertEquals(List.of("a", "ä/b c"), v2.keys());
        assertArrayEquals(new byte[] {0, -1, 127}, v2.get("ä/b c").orElseThrow());
        assertEquals("1.0.0", v2.replacedVersion());
        PluginStoppedException stopped = assertThrows(PluginStoppedException.class, () -> v1.put("late", bytes("x")));
        assertEquals("kv.memory 1.0.0 has stopped and handed its entries over; the call had no effect", stopped.getMessage());
        assertTrue(log.lines().toString(), log.lines("info").containsAll(List.of(
                "info: kv.memory 1.0.0 handed over 2 entries live (30 bytes) and takes no more calls",
                "info: kv.memory 2.0.0 took over 2 entries live from version 1.0.0")));
    }

    @Test
    public void takingOverReplacesWhatTheIdleVersionHeld() {
        MemoryKeyValueStore v1 = start("1.0.0");
        MemoryKeyValueStore v2 = start("2.0.0");
        v1.put("kept", bytes("from v1"));
        v2.put("stray", bytes("written to v2 directly while it did not serve"));

        switchLive(v1, "1.0.0", v2);

        assertEquals(List.of("kept"), v2.keys());
    }

    @Test
    public void switchingBackResumesTheFirstInstanceWithEverythingWrittenMeanwhile() {
        MemoryKeyValueStore v1 = start("1.0.0");
        MemoryKeyValueStore v2 = start("2.0.0");
        v1.put("a", bytes("1"));
        switchLive(v1, "1.0.0", v2);
        v2.put("b", bytes("2"));
        v2.delete("a");

        switchLive(v2, "2.0.0", v1);

        assertEquals(List.of("b"), v1.keys());
        assertEquals("2.0.0", v1.replacedVersion());
        assertThrows(PluginStoppedException.class, v2::keys);
        v1.put("c", bytes("3"));
        assertEquals(List.of("b", "c"), v1.keys());
    }

    @Test
    public void anInstanceGivenItsOwnStateBackKeepsWhatItReplaced() {
        handover.preset(MemoryKeyValueStore.NAME, "0.9.0", EntriesFormat.encode("", new TreeMap<>()));
        MemoryKeyValueStore v1 = start("1.0.0");
        v1.put("a", bytes("1"));

        byte[] state = v1.handOverLive();
        v1.takeOverLive(new HandedOverState("1.0.0", state));

        assertEquals(List.of("a"), v1.keys());
        assertEquals("0.9.0", v1.replacedVersion());
    }

    @Test
    public void unreadableStateIsRefusedAndChangesNothing() {
        MemoryKeyValueStore v2 = start("2.0.0");
        v2.put("mine", bytes("1"));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> v2.takeOverLive(new HandedOverState("3.0.0", new byte[] {2, 0})));

        assertEquals("kv.memory 2.0.0 cannot read the state of version 3.0.0: the state has format 2, "
                + "but this version reads only format 1", refused.getMessage());
        assertEquals(List.of("mine"), v2.keys());
        assertEquals("", v2.replacedVersion());
    }

    @Test
    public void aStoppedInstanceHasNothingToHandOver() {
        MemoryKeyValueStore v1 = start("1.0.0");
        v1.handOverLive();
        assertEquals("kv.memory 1.0.0 has no entries to hand over: it handed them over already",
                assertThrows(IllegalStateException.class, v1::handOverLive).getMessage());

        MemoryKeyValueStore other = start("1.0.0");
        other.deactivate();
        assertEquals("kv.memory 1.0.0 has no entries to hand over: it has stopped",
                assertThrows(IllegalStateException.class, other::handOverLive).getMessage());
    }

    @Test
    public void aDeactivatedInstanceTakesOverNothing() {
        MemoryKeyValueStore v1 = start("1.0.0");
        v1.deactivate();
        byte[] state = EntriesFormat.encode("", new TreeMap<>(Map.of("k", bytes("v"))));
        assertEquals("kv.memory 1.0.0 has stopped for good and takes over nothing",
                assertThrows(IllegalStateException.class, () -> v1.takeOverLive(new HandedOverState("2.0.0", state)))
                        .getMessage());
        assertThrows(PluginStoppedException.class, v1::keys);
    }

    @Test
    public void afterALiveHandoverDeactivateHandsNothingToTheHost() {
        handover.preset(MemoryKeyValueStore.NAME, "1.0.0", EntriesFormat.encode("", new TreeMap<>(Map.of("old", bytes("x")))));
        MemoryKeyValueStore v1 = start("1.0.0");
        MemoryKeyValueStore v2 = start("2.0.0");
        switchLive(v1, "1.0.0", v2);

        v1.deactivate();

        // What the host keeps is unchanged: handing over nothing would have replaced it.
        assertEquals(List.of("old"), EntriesFormat.decode(handover.receive(MemoryKeyValueStore.NAME).orElseThrow().data())
                .entries().keySet().stream().toList());
        assertTrue(log.lines().toString(), log.lines("info").contains(
                "info: kv.memory 1.0.0 stopped; it had handed its entries over live, so it hands over nothing"));
    }
}
