package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.plugboard.api.kv.KeyValueStore;

/**
 * kv-bad-range imports io.plugboard.api.kv in [2.0,3), which nothing exports: it must stay
 * unresolved, harm nobody, and plugin:info must say why.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnresolvedPluginIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"), projectBundle("greeter-en"));
    }

    @Test
    public void badRangePluginStaysInstalled() {
        Bundle bad = installBadRange();
        assertEquals("kv-bad-range must not resolve", Bundle.INSTALLED, bad.getState());
        assertTrue(registry.plugins().stream().noneMatch(p -> p.name().equals("kv.future")));
    }

    @Test
    public void theOtherPluginsKeepServing() {
        installBadRange();
        assertEquals("kv.memory", registry.active(KeyValueStore.TYPE).orElseThrow().name());
        activeStore().put("alive", new byte[] {42});
        assertEquals(42, activeStore().get("alive").orElseThrow()[0]);
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        for (String name : new String[] {"io.plugboard.host", "io.plugboard.kv-memory", GREETER_EN_BUNDLE}) {
            assertEquals(name, Bundle.ACTIVE, bundleNamed(name).orElseThrow().getState());
        }
    }

    @Test
    public void pluginInfoExplainsTheMissingImport() {
        Bundle bad = installBadRange();
        // It registers no plugin, so it is found by bundle id or by symbolic name.
        for (String nameOrId : new String[] {String.valueOf(bad.getBundleId()), BAD_RANGE_BUNDLE}) {
            String info = execute("plugin:info " + nameOrId).assertSucceeded();
            for (String expected : new String[] {"io.plugboard.api.kv", "[2.0.0,3.0.0)", "1.0.0"}) {
                assertTrue("plugin:info " + nameOrId + " should mention " + expected + ":\n" + info,
                        info.contains(expected));
            }
        }
    }

    /** Installs the fixture with plugin:install unless an earlier test of this class did. */
    private Bundle installBadRange() {
        return bundleNamed(BAD_RANGE_BUNDLE).orElseGet(() -> {
            CommandResult install = execute("plugin:install " + projectJar("kv-bad-range"));
            assertTrue(install.describe("should not throw a NullPointerException"),
                    !(install.failure() instanceof NullPointerException));
            return bundleNamed(BAD_RANGE_BUNDLE).orElseThrow(
                    () -> new AssertionError(install.describe("should leave the bundle installed")));
        });
    }
}
