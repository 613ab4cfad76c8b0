package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Arrays;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * Install, update and uninstall through the plugin:* commands. Each test changes which bundles
 * exist, so each gets its own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PluginLifecycleIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        // kv.memory is a bystander: it must keep serving while greeters come and go.
        return options(baseConfiguration(), projectBundle("kv-memory"));
    }

    @Test
    public void installedPluginServesAtOnce() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        assertEquals("greeter.en", registry.active(Greeter.TYPE).orElseThrow().name());
    }

    @Test
    public void updateToVersionTwoAnswersFromTheNewCode() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        assertEquals(HELLO_BOB, activeGreeting("Bob"));

        // A file URL here; plugin:install above took a plain path.
        execute("plugin:update greeter.en " + projectJar("greeter-en-v2").toUri()).assertSucceeded();

        assertEquals("the next call after the update", HELLO_BOB_V2, activeGreeting("Bob"));
        assertEquals("2.0.0", registry.active(Greeter.TYPE).orElseThrow().version());
        long sameName = Arrays.stream(bundleContext.getBundles())
                .filter(b -> GREETER_EN_BUNDLE.equals(b.getSymbolicName()))
                .count();
        assertEquals("update replaces the bundle, it does not add one", 1, sameName);
        String list = execute("plugin:list").assertSucceeded();
        assertTrue("plugin:list should show greeter.en 2.0.0:\n" + list,
                list.lines().anyMatch(line -> line.contains("greeter.en") && line.contains("2.0.0")));
        activeStore().put("still", new byte[] {1});
    }

    @Test
    public void uninstallTakesTheOnlyGreeterAway() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        assertEquals(HELLO_BOB, activeGreeting("Bob"));

        execute("plugin:uninstall greeter.en").assertSucceeded();

        assertTrue(registry.plugins(Greeter.TYPE).toString(), registry.plugins(Greeter.TYPE).isEmpty());
        assertTrue(registry.active(Greeter.TYPE).isEmpty());
        PluginUnavailableException gone = assertThrows(PluginUnavailableException.class,
                () -> activeGreeting("Bob"));
        assertEquals(Greeter.TYPE, gone.type());
        assertTrue(bundleNamed(GREETER_EN_BUNDLE).isEmpty());
        assertFalse(execute("plugin:list").assertSucceeded().contains("greeter.en"));
        assertEquals(Bundle.ACTIVE, bundleNamed("io.plugboard.kv-memory").orElseThrow().getState());
        activeStore().put("still", new byte[] {1});
    }
}
