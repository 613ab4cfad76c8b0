package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.junit.Test;
import org.osgi.framework.Version;

import io.plugboard.api.registry.PluginInfo;

public class PluginTreeTest {

    private static PluginCandidate candidate(String name, String version, long serviceId) {
        return new PluginCandidate(name, "greeter", Version.parseVersion(version), serviceId / 10, serviceId, 0,
                new Object());
    }

    @Test
    public void keepsListingOrderThroughAddsAndRemoves() {
        Random random = new Random(42);
        TreeSet<PluginCandidate> expected = new TreeSet<>(PluginTree.LISTING);
        List<PluginCandidate> present = new ArrayList<>();
        PluginTree tree = PluginTree.EMPTY;
        for (int i = 0; i < 2000; i++) {
            if (present.isEmpty() || random.nextInt(3) > 0) {
                PluginCandidate c = candidate("p" + random.nextInt(20), random.nextInt(4) + ".0." + random.nextInt(3),
                        1000 + i);
                tree = tree.with(c);
                expected.add(c);
                present.add(c);
            } else {
                PluginCandidate c = present.remove(random.nextInt(present.size()));
                tree = tree.without(c);
                expected.remove(c);
            }
            assertEquals(expected.size(), tree.size());
        }
        assertEquals(new ArrayList<>(expected), tree.candidates());
    }

    @Test
    public void anOldTreeStaysAsItWas() {
        PluginCandidate a = candidate("a", "1.0.0", 100);
        PluginCandidate b = candidate("b", "1.0.0", 101);
        PluginTree one = PluginTree.EMPTY.with(a);
        PluginTree two = one.with(b);
        PluginTree back = two.without(a);
        assertEquals(List.of(a), one.candidates());
        assertEquals(List.of(a, b), two.candidates());
        assertEquals(List.of(b), back.candidates());
        assertSame("removing an absent plugin changes nothing", back, back.without(a));
        assertTrue(back.without(b).isEmpty());
        assertFalse(back.isEmpty());
    }

    @Test
    public void staysShallowWhenServiceIdsComeInSequence() {
        // One name, one version: the order is the service ids' order, the worst case for a plain tree.
        PluginTree tree = PluginTree.EMPTY;
        for (long id = 1; id <= 4096; id++) {
            tree = tree.with(candidate("bulk", "1.0.0", id));
        }
        assertTrue("height " + tree.height(), tree.height() <= 36); // 3 * log2(4096)
        for (long id = 1; id <= 4096; id += 2) {
            tree = tree.without(candidate("bulk", "1.0.0", id));
        }
        assertEquals(2048, tree.size());
        assertTrue("height " + tree.height(), tree.height() <= 33);
    }

    @Test
    public void infosMarkOnlyTheActivePlugin() {
        PluginCandidate en = candidate("en", "1.0.0", 100);
        PluginCandidate zh = candidate("zh", "1.0.0", 101);
        PluginTree tree = PluginTree.EMPTY.with(zh).with(en);
        List<PluginInfo> infos = new ArrayList<>();
        PluginInfo active = zh.toInfo(true);
        tree.addInfos(infos, zh, active);
        assertEquals(List.of(en.toInfo(false), active), infos);
    }
}
