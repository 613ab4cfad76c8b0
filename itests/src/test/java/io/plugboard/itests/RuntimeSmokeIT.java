package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The base configuration alone: the host starts, registers its registry and its commands. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeSmokeIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return baseConfiguration().getOptions();
    }

    @Test
    public void hostIsActiveAndHasNoPlugins() {
        assertEquals(Bundle.ACTIVE, bundleNamed("io.plugboard.host").orElseThrow().getState());
        assertTrue(registry.plugins().toString(), registry.plugins().isEmpty());
    }

    @Test
    public void pluginListRunsThroughGogo() {
        String list = execute("plugin:list").assertSucceeded();
        assertTrue("plugin:list should say there are no plugins:\n" + list, list.contains("no plugins"));
    }
}
