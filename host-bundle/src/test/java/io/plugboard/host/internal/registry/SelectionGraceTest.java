package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.host.internal.state.StateLedger;
import io.plugboard.testing.RecordingLogger;

/**
 * A selected plugin whose jar left the plugins folder ({@link PluginRegistryImpl#leaving}): its
 * type waits for it for the state grace (the jar may be put back), and only then moves to the
 * ordinary choice; a plugin removed on purpose ({@code removing}) gives way at once. Real
 * services in a real Felix framework, registered by the system bundle.
 */
public class SelectionGraceTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final RecordingLogger log = new RecordingLogger();
    private Framework framework;
    private PluginRegistryImpl registry;
    private BundleContext context;

    private void start(long graceMillis) throws Exception {
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, temp.newFolder("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                StateLedger.GRACE_PROPERTY, String.valueOf(graceMillis)));
        framework.start();
        context = framework.getBundleContext();
        registry = new PluginRegistryImpl(context, Map.of(), log.logger());
    }

    @After
    public void stopFramework() throws Exception {
        if (registry != null) {
            registry.deactivate();
        }
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    public void aSelectedPluginWhoseJarLeftIsWaitedForUntilTheGraceEnds() throws Exception {
        start(300);
        ServiceRegistration<Greeter> selected = register("greeter.en");
        register("greeter.zh");
        registry.select(Greeter.TYPE, "greeter.en");

        // Before leaving(), which starts the grace: the check below then cannot be early by the call's time.
        long gone = System.nanoTime();
        registry.leaving(framework);
        registry.remove(selected.getReference());
        selected.unregister();

        // The stand-in's call would wait: no other greeter serves while the jar may come back.
        assertTrue("another plugin serves in the gap: " + registry.active(Greeter.TYPE),
                registry.active(Greeter.TYPE).isEmpty());
        assertEquals(java.util.Optional.of("greeter.en"), registry.selection(Greeter.TYPE));
        assertEquals("the warning says the wait ends", java.util.List.of("warn: Plugin type greeter waits for"
                + " greeter.en, whose jar left the plugins folder: for up to 1 s, in case it is put back (rm, then cp),"
                + " its calls wait and go to no other greeter plugin; then the ordinary choice serves (plugin:use"
                + " greeter <name> picks another now)"), log.lines("warn"));

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (registry.active(Greeter.TYPE).isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("the ordinary choice does not serve after the grace");
            }
            Thread.sleep(10);
        }
        assertTrue("served before the grace ended", System.nanoTime() - gone >= 300_000_000L);
        assertEquals("greeter.zh", registry.active(Greeter.TYPE).orElseThrow().name());
    }

    @Test
    public void aPluginRemovedOnPurposeGivesWayAtOnce() throws Exception {
        start(60_000);
        ServiceRegistration<Greeter> selected = register("greeter.en");
        register("greeter.zh");
        registry.select(Greeter.TYPE, "greeter.en");

        registry.removing(framework);
        registry.remove(selected.getReference());
        selected.unregister();

        assertEquals("greeter.zh", registry.active(Greeter.TYPE).orElseThrow().name());
    }

    private ServiceRegistration<Greeter> register(String name) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PluginProperties.NAME, name);
        properties.put(PluginProperties.TYPE, Greeter.TYPE);
        Greeter greeter = who -> name + " greets " + who;
        ServiceRegistration<Greeter> registration = context.registerService(Greeter.class, greeter, properties);
        registry.add(registration.getReference(), greeter);
        return registration;
    }
}
