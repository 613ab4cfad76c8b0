package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LoggerFactory;

/** The base configuration alone: the host starts, registers its registry and its commands. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeSmokeIT extends PluginRuntimeTestSupport {

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                // As the runtime: INFO lines reach plugboard.log.
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
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

    /**
     * plugboard.log keeps what bundles say and the bundle events, not the framework's "ServiceEvent
     * REGISTERED" for every service (Felix Log names their logger Events.Service.<bundle>, which
     * the printer once failed to recognise: they were most of the file).
     */
    @Test
    public void theLogFileLeavesServiceEventsOut() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("marker", "log-it");
        ServiceRegistration<Runnable> registration = bundleContext.registerService(Runnable.class, () -> {
        }, properties);
        registration.unregister();
        // The log hands entries to the printer in order, on one thread: once this line is in the
        // file, the service events' lines would be there before it.
        String marker = "after a service came and went " + System.nanoTime();
        ServiceReference<LoggerFactory> loggers = bundleContext.getServiceReference(LoggerFactory.class);
        bundleContext.getService(loggers).getLogger("io.plugboard.itests.log").info(marker);
        bundleContext.ungetService(loggers);
        waitFor("the marker line in plugboard.log", () -> logFileLines().stream().anyMatch(l -> l.contains(marker)));
        List<String> lines = logFileLines();
        assertTrue("service events reached plugboard.log:\n" + String.join("\n", lines),
                lines.stream().noneMatch(line -> line.contains("ServiceEvent")));
        assertTrue("bundle events should still reach plugboard.log:\n" + String.join("\n", lines),
                lines.stream().anyMatch(line -> line.contains("BundleEvent STARTED")));
    }
}
