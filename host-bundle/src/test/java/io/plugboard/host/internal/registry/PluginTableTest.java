package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.Test;
import org.osgi.framework.Version;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginUnavailableException;

public class PluginTableTest {

    private final Map<String, String> frameworkProperties = new HashMap<>();
    private final List<String> changes = new ArrayList<>();
    private final PluginTable table = new PluginTable(frameworkProperties::get,
            (type, active) -> changes.add(type + "=" + active.map(PluginInfo::name).orElse("none")));
    private long nextServiceId = 100;

    private PluginCandidate add(String type, String name, String version, int ranking) {
        long serviceId = nextServiceId++;
        PluginCandidate candidate = new PluginCandidate(name, type, Version.parseVersion(version), serviceId / 10,
                serviceId, ranking, type.equals("kv") ? new Object[] {name} : (Greeter) n -> name + " " + n);
        table.add(candidate);
        return candidate;
    }

    private String activeName(String type) {
        return table.active(type).map(PluginInfo::name).orElse("none");
    }

    @Test
    public void highestRankingWins() {
        add("kv", "kv.memory", "1.0.0", 0);
        add("kv", "kv.file", "1.0.0", 5);
        add("kv", "kv.other", "9.0.0", 1);
        assertEquals("kv.file", activeName("kv"));
    }

    @Test
    public void atEqualRankingTheNewestBundleVersionWins() {
        add("greeter", "greeter.en", "1.2.0", 0);
        add("greeter", "greeter.zh", "1.10.0", 0);
        assertEquals("greeter.zh", activeName("greeter"));
    }

    @Test
    public void atEqualRankingAndVersionTheLowestServiceIdWins() {
        PluginCandidate first = add("greeter", "greeter.b", "1.0.0", 0);
        add("greeter", "greeter.a", "1.0.0", 0);
        assertEquals(first.serviceId(), table.active("greeter").orElseThrow().serviceId());
    }

    @Test
    public void aConfiguredSelectionBeatsRankingAndTheFrameworkProperty() {
        frameworkProperties.put("kv", "kv.memory");
        add("kv", "kv.memory", "1.0.0", 0);
        add("kv", "kv.file", "1.0.0", 0);
        add("kv", "kv.ranked", "1.0.0", 10);
        assertEquals("kv.memory", activeName("kv"));
        table.replaceSelections(Map.of("kv", new Selection("kv.file", null)));
        assertEquals("kv.file", activeName("kv"));
        assertEquals(Optional.of("kv.file"), table.selection("kv"));
    }

    /**
     * A selected plugin that is absent (not started yet, failed, uninstalled) is waited for: no
     * other plugin of the type serves meanwhile, or writes would go to another store unnoticed.
     */
    @Test
    public void aSelectionOfAnAbsentPluginServesNothingElseUntilItArrivesOrAnotherIsSelected() {
        table.replaceSelections(Map.of("kv", new Selection("kv.file", null)));
        add("kv", "kv.memory", "1.0.0", 0);
        assertEquals("none", activeName("kv"));
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class,
                () -> table.activeService("kv", KeyValueStore.class));
        assertEquals("no plugin of type 'kv' is available: 'kv.file', selected for it, is not registered, and calls"
                + " of type 'kv' go to no other plugin while it is selected (plugin:use kv <name> picks another;"
                + " plugin:list shows them)", e.getMessage());
        PluginCandidate file = add("kv", "kv.file", "1.0.0", 0);
        assertEquals("kv.file", activeName("kv"));
        table.remove(file.serviceId());
        assertEquals("none", activeName("kv"));
        table.select("kv", "kv.memory");
        assertEquals("kv.memory", activeName("kv"));
        assertEquals(List.of("kv=kv.file", "kv=none", "kv=kv.memory"), changes);
    }

    /**
     * A selected plugin the user removes on purpose gives way to the ordinary choice, and serves
     * again when it comes back; from then on its absence is waited for again.
     */
    @Test
    public void aSelectedPluginRemovedOnPurposeGivesWayUntilItComesBack() {
        PluginCandidate memory = add("kv", "kv.memory", "1.0.0", 0);
        add("kv", "kv.file", "2.0.0", 0);
        table.select("kv", "kv.memory");
        assertEquals(Set.of(), table.removing(List.of("kv.other"), memory.bundleId()));
        assertEquals(Set.of("kv"), table.removing(List.of("kv.memory"), memory.bundleId()));
        assertEquals("it serves until it goes", "kv.memory", activeName("kv"));
        table.remove(memory.serviceId());
        assertEquals("kv.file", activeName("kv"));
        assertEquals(Optional.of("kv.memory"), table.selection("kv"));
        assertEquals(Set.of(), table.takeReturned());
        PluginCandidate back = add("kv", "kv.memory", "1.0.0", 0);
        assertEquals("kv.memory", activeName("kv"));
        assertEquals(Set.of("kv"), table.takeReturned());
        assertEquals(Set.of(), table.takeReturned());
        table.remove(back.serviceId());
        assertEquals("gone without being removed: waited for", "none", activeName("kv"));
    }

    @Test
    public void aSelectedNameServedFromAnotherBundleStaysARequirementWhenOneBundleGoes() {
        PluginCandidate blue = add("greeter", "greeter.en", "1.0.0", 0);
        nextServiceId += 10; // another bundle
        PluginCandidate green = add("greeter", "greeter.en", "2.0.0", 0);
        add("greeter", "greeter.zh", "3.0.0", 0);
        table.select("greeter", "greeter.en");
        assertEquals(Set.of(), table.removing(List.of("greeter.en"), blue.bundleId()));
        table.remove(blue.serviceId());
        table.remove(green.serviceId());
        assertEquals("none", activeName("greeter"));
    }

    @Test
    public void aFrameworkSelectionOfAnAbsentPluginIsWaitedForToo() {
        frameworkProperties.put("kv", "kv.typo");
        add("kv", "kv.memory", "1.0.0", 0);
        assertEquals("none", activeName("kv"));
        add("kv", "kv.typo", "1.0.0", 0);
        assertEquals("kv.typo", activeName("kv"));
    }

    @Test
    public void aPinnedVersionThatIsAbsentIsAPreferenceWithinTheName() {
        add("greeter", "greeter.en", "1.0.0", 0);
        PluginCandidate two = add("greeter", "greeter.en", "2.0.0", 0);
        add("greeter", "greeter.zh", "3.0.0", 0);
        table.select("greeter", "greeter.en", "2.0.0");
        table.remove(two.serviceId());
        assertEquals("greeter.en", activeName("greeter"));
        assertEquals("1.0.0", table.active("greeter").orElseThrow().version());
    }

    @Test
    public void twoVersionsOfTheSelectedPluginPreferTheNewest() {
        add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        add("greeter", "greeter.zh", "3.0.0", 0);
        table.select("greeter", "greeter.en");
        assertEquals("2.0.0", table.active("greeter").orElseThrow().version());
    }

    @Test
    public void pluginsAreSortedByTypeNameAndNewestVersionFirst() {
        add("kv", "kv.memory", "1.0.0", 0);
        add("greeter", "greeter.zh", "1.0.0", 0);
        add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        List<String> order = table.plugins().stream().map(p -> p.type() + "/" + p.name() + "/" + p.version()).toList();
        assertEquals(List.of("greeter/greeter.en/2.0.0", "greeter/greeter.en/1.0.0", "greeter/greeter.zh/1.0.0",
                "kv/kv.memory/1.0.0"), order);
        assertEquals(1, table.plugins().stream().filter(PluginInfo::active).filter(p -> p.type().equals("greeter")).count());
        assertEquals(3, table.plugins("greeter").size());
        assertEquals(List.of(), table.plugins("nothing"));
    }

    @Test
    public void activeServiceReturnsTheActiveServiceObject() {
        add("greeter", "greeter.en", "1.0.0", 0);
        assertEquals("greeter.en Ann", table.activeService("greeter", Greeter.class).greet("Ann"));
    }

    @Test
    public void activeServiceOfAnEmptyTypeSaysWhatIsInstalled() {
        add("greeter", "greeter.en", "1.0.0", 0);
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class,
                () -> table.activeService("kv", KeyValueStore.class));
        assertEquals("kv", e.type());
        assertEquals("no plugin of type 'kv' is available (installed types: greeter); install one or check plugin:list",
                e.getMessage());
    }

    @Test
    public void activeServiceOfTheWrongApiIsRejected() {
        add("kv", "kv.odd", "1.0.0", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.activeService("kv", KeyValueStore.class));
        assertTrue(e.getMessage(), e.getMessage().contains("'kv.odd'")
                && e.getMessage().contains("not a " + KeyValueStore.class.getName()));
    }

    @Test
    public void selectAppliesAtOnceAndRemembersTheName() {
        add("kv", "kv.memory", "1.0.0", 10);
        add("kv", "kv.file", "1.0.0", 0);
        table.select("kv", "kv.file");
        assertEquals("kv.file", activeName("kv"));
        assertEquals(Optional.of("kv.file"), table.selection("kv"));
    }

    @Test
    public void selectOfAnUnknownNameListsTheKnownNames() {
        add("kv", "kv.memory", "1.0.0", 0);
        add("kv", "kv.file", "1.0.0", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.select("kv", "kv.redis"));
        assertEquals("no plugin of type 'kv' is named 'kv.redis'; known names: kv.file, kv.memory", e.getMessage());
        assertEquals(Optional.empty(), table.selection("kv"));
    }

    @Test
    public void selectOfAnUnknownTypeListsTheKnownTypes() {
        add("kv", "kv.memory", "1.0.0", 0);
        add("greeter", "greeter.en", "1.0.0", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.select("db", "x"));
        assertEquals("unknown plugin type 'db'; known types: greeter, kv", e.getMessage());
    }

    @Test
    public void selectionFallsBackToTheFrameworkProperty() {
        assertEquals(Optional.empty(), table.selection("kv"));
        frameworkProperties.put("kv", "kv.file");
        assertEquals(Optional.of("kv.file"), table.selection("kv"));
    }

    @Test
    public void removingTheLastPluginOfATypeEmptiesIt() {
        PluginCandidate only = add("kv", "kv.memory", "1.0.0", 0);
        assertTrue(table.remove(only.serviceId()));
        assertFalse(table.remove(only.serviceId()));
        assertEquals(Optional.empty(), table.active("kv"));
        assertEquals(List.of("kv=kv.memory", "kv=none"), changes);
    }

    @Test
    public void readersKeepTheSnapshotTheyHold() {
        add("kv", "kv.memory", "1.0.0", 0);
        List<PluginInfo> before = table.plugins();
        add("kv", "kv.file", "1.0.0", 0);
        assertEquals(1, before.size());
        assertSame(table.plugins(), table.plugins());
        assertThrows(UnsupportedOperationException.class, () -> table.plugins().clear());
    }

    @Test
    public void aPinnedVersionServesNextToANewerOne() {
        add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        assertEquals("2.0.0", table.active("greeter").orElseThrow().version());
        table.select("greeter", "greeter.en", "1");
        assertEquals("1.0.0", table.active("greeter").orElseThrow().version());
        assertEquals(Optional.of("1.0.0"), table.pinnedVersion("greeter"));
        table.select("greeter", "greeter.en");
        assertEquals("2.0.0", table.active("greeter").orElseThrow().version());
        assertEquals(Optional.empty(), table.pinnedVersion("greeter"));
    }

    @Test
    public void blueGreenTheNewVersionTakesOverAndTheOldGoesQuietly() {
        PluginCandidate blue = add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.zh", "1.0.0", 0);
        table.select("greeter", "greeter.en", "1.0.0");
        add("greeter", "greeter.en", "2.0.0", 0);
        assertEquals("the pinned version keeps serving", "1.0.0", table.active("greeter").orElseThrow().version());
        table.select("greeter", "greeter.en", "2.0.0");
        table.remove(blue.serviceId());
        assertEquals("2.0.0", table.active("greeter").orElseThrow().version());
        assertEquals("greeter.en", activeName("greeter"));
    }

    @Test
    public void aPinnedVersionThatGoesFallsBackToTheNewestOfTheName() {
        add("greeter", "greeter.zh", "5.0.0", 0);
        PluginCandidate old = add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        table.select("greeter", "greeter.en", "1.0.0");
        table.remove(old.serviceId());
        assertEquals("greeter.en", activeName("greeter"));
        assertEquals("2.0.0", table.active("greeter").orElseThrow().version());
    }

    @Test
    public void aConfiguredVersionIsPinned() {
        add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        table.replaceSelections(Map.of("greeter", new Selection("greeter.en", Version.parseVersion("1.0.0"))));
        assertEquals("1.0.0", table.active("greeter").orElseThrow().version());
    }

    @Test
    public void pinningAVersionThatIsNotInstalledListsThoseThatAre() {
        add("greeter", "greeter.en", "1.0.0", 0);
        add("greeter", "greeter.en", "2.0.0", 0);
        add("greeter", "greeter.zh", "3.0.0", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.select("greeter", "greeter.en", "3.0.0"));
        assertEquals("version 3.0.0 of greeter.en is not installed; installed versions: 2.0.0, 1.0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> table.select("greeter", "greeter.en", "v2"));
        assertEquals("'v2' is not a version; give one as plugin:list shows it, e.g. 2.0.0", e.getMessage());
        assertEquals(Optional.empty(), table.selection("greeter"));
    }

    /**
     * The active plugin follows from the one before as plugins come and go; this compares it,
     * after every step of a long random sequence, with a pick among all plugins of the type.
     */
    @Test
    public void theActivePluginAlwaysMatchesAFullPick() {
        Random random = new Random(7);
        Map<Long, PluginCandidate> present = new HashMap<>();
        Selection selection = null;
        for (int step = 0; step < 3000; step++) {
            int what = random.nextInt(20);
            if (what < 11 || present.isEmpty()) {
                PluginCandidate c = add("greeter", "g" + random.nextInt(6), "1." + random.nextInt(4) + ".0",
                        random.nextInt(10) == 0 ? random.nextInt(3) : 0);
                present.put(c.serviceId(), c);
            } else if (what < 18) {
                List<Long> ids = new ArrayList<>(present.keySet());
                // Now and then the active one goes, else any.
                Optional<PluginInfo> active = table.active("greeter");
                long id = random.nextBoolean() && active.isPresent() ? active.get().serviceId()
                        : ids.get(random.nextInt(ids.size()));
                assertTrue(table.remove(id));
                present.remove(id);
            } else if (what == 18) {
                selection = random.nextBoolean() ? null
                        : new Selection("g" + random.nextInt(7), random.nextBoolean() ? null
                                : Version.parseVersion("1." + random.nextInt(4) + ".0"));
                table.replaceSelections(selection == null ? Map.of() : Map.of("greeter", selection));
            } else {
                // The framework's choice counts only without a configured one; it is read at the
                // next change, here an added plugin.
                frameworkProperties.put("greeter", "g" + random.nextInt(7));
                PluginCandidate c = add("greeter", "g" + random.nextInt(6), "1." + random.nextInt(4) + ".0", 0);
                present.put(c.serviceId(), c);
            }
            Selection effective = selection != null ? selection
                    : frameworkProperties.containsKey("greeter") ? new Selection(frameworkProperties.get("greeter"), null)
                    : null;
            TreeSet<PluginCandidate> sorted = new TreeSet<>(PluginTree.LISTING);
            sorted.addAll(present.values());
            PluginCandidate expected = Selection.pick(new ArrayList<>(sorted), effective, null);
            assertEquals("step " + step, expected == null ? Optional.empty() : Optional.of(expected.toInfo(true)),
                    table.active("greeter"));
            List<PluginInfo> listed = table.plugins("greeter");
            assertEquals(sorted.stream().map(c -> c.toInfo(c == expected)).toList(), listed);
            assertEquals(listed, table.plugins());
        }
    }
}
