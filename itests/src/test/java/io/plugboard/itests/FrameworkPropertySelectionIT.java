package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Optional;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import io.plugboard.api.greeter.Greeter;

/**
 * The framework property plugboard.select.greeter picks the greeter at start. A selection made
 * with plugin:use would mask it, so each test gets its own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FrameworkPropertySelectionIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty("plugboard.select.greeter").value("greeter.zh"),
                // greeter.en is installed first: without the property its lower service id would win.
                projectBundle("greeter-en"),
                projectBundle("greeter-zh"));
    }

    @Test
    public void theSelectedGreeterServesFromTheStart() {
        assertEquals("greeter.zh", registry.active(Greeter.TYPE).orElseThrow().name());
        assertEquals(Optional.of("greeter.zh"), registry.selection(Greeter.TYPE));
        String greeting = activeGreeting("Bob");
        assertTrue("greeter.zh should answer, not greeter.en: " + greeting,
                greeting.contains("Bob") && !greeting.equals(HELLO_BOB));
    }

    @Test
    public void pluginUseWinsOverTheFrameworkProperty() {
        assertEquals("greeter.zh", registry.active(Greeter.TYPE).orElseThrow().name());
        execute("plugin:use greeter greeter.en").assertSucceeded();
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        assertEquals(Optional.of("greeter.en"), registry.selection(Greeter.TYPE));
    }
}
