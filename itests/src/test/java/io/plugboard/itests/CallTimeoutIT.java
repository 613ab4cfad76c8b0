package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * A call for a plugin that went and was not replaced waits for the call timeout (shortened here
 * with {@code plugboard.call.timeout.ms}), then fails with an exception that names the plugin and
 * what happened to it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CallTimeoutIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), frameworkProperty("plugboard.call.timeout.ms").value("500"));
    }

    @Test
    public void aCallWithNoReplacementFailsAfterTheTimeoutNamingThePlugin() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        Greeter greeter = registry.service(Greeter.TYPE, Greeter.class);
        assertEquals(HELLO_BOB, greeter.greet("Bob"));
        String version = registry.active(Greeter.TYPE).orElseThrow().version();
        long bundleId = registry.active(Greeter.TYPE).orElseThrow().bundleId();
        execute("plugin:uninstall greeter.en").assertSucceeded();

        long started = System.nanoTime();
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class, () -> greeter.greet("Bob"));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(Greeter.TYPE, e.type());
        String expected = "no plugin of type 'greeter' is available: greeter.en " + version + " (bundle " + bundleId
                + ") was uninstalled ";
        assertTrue(e.getMessage(), e.getMessage().startsWith(expected));
        assertTrue(e.getMessage(), e.getMessage().endsWith(
                " s ago and no plugin of type 'greeter' replaced it (waited 0.5 s)"));
        // At least the configured wait; well under the default of 5 s, so the property was read.
        assertTrue("waited " + waited + " ms", waited >= 450 && waited < 4_000);

        execute("plugin:greet Bob").assertClearError("greeter.en", "was uninstalled", "waited 0.5 s");
    }
}
