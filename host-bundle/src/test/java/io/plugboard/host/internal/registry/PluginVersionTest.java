package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.testing.RecordingLogger;

/**
 * The version the registry gives a plugin: {@code plugin.version} when the service has one (a
 * plugin run by a bundle on its behalf), else its bundle's. Real services in a real Felix
 * framework, registered by the system bundle (version 7.0.5, Felix's own).
 */
public class PluginVersionTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final RecordingLogger log = new RecordingLogger();
    private Framework framework;
    private BundleContext context;
    private PluginRegistryImpl registry;

    @Before
    public void startFramework() throws Exception {
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, temp.newFolder("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        context = framework.getBundleContext();
        registry = new PluginRegistryImpl(context, Map.of(), log.logger());
    }

    @After
    public void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    public void withoutPluginVersionTheBundleVersionCounts() {
        register("greeter.en", null);
        assertEquals(framework.getVersion().toString(), only().version());
        assertEquals(List.of(), log.lines("warn"));
    }

    @Test
    public void aPluginVersionStringIsTheVersion() {
        register("kv.go", " 1.2.3 ");
        assertEquals("1.2.3", only().version());
    }

    @Test
    public void aPluginVersionObjectIsTheVersion() {
        register("kv.go", new Version(2, 0, 1, "beta"));
        assertEquals("2.0.1.beta", only().version());
    }

    @Test
    public void anUnparseablePluginVersionIsReportedOnceAndTheBundleVersionCounts() {
        ServiceRegistration<Greeter> registration = register("kv.go", "one.two");
        registry.add(registration.getReference(), greeter());
        registry.add(registration.getReference(), greeter());

        assertEquals(framework.getVersion().toString(), only().version());
        long serviceId = (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
        assertEquals(List.of("warn: Plugin kv.go (service " + serviceId + " of bundle org.apache.felix.framework) has "
                + "plugin.version 'one.two', which is not a version such as 1.2.0; using the bundle's version "
                + framework.getVersion()), log.lines("warn"));
    }

    @Test
    public void aPluginVersionOfAnotherTypeIsReportedToo() {
        register("kv.go", 3);
        assertEquals(framework.getVersion().toString(), only().version());
        assertEquals(1, log.lines("warn").size());
    }

    @Test
    public void aChangedPluginVersionReplacesThePluginUnderTheSameServiceId() {
        ServiceRegistration<Greeter> registration = register("kv.go", "1.0.0");
        registration.setProperties(properties("kv.go", "1.1.0"));
        registry.updatedGreeter(registration.getReference(), greeter());

        assertEquals("1.1.0", only().version());
        assertEquals((long) (Long) registration.getReference().getProperty(Constants.SERVICE_ID), only().serviceId());
    }

    private ServiceRegistration<Greeter> register(String name, Object version) {
        ServiceRegistration<Greeter> registration = context.registerService(Greeter.class, greeter(),
                properties(name, version));
        registry.add(registration.getReference(), greeter());
        return registration;
    }

    private static Dictionary<String, Object> properties(String name, Object version) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PluginProperties.NAME, name);
        properties.put(PluginProperties.TYPE, Greeter.TYPE);
        if (version != null) {
            properties.put(PluginProperties.VERSION, version);
        }
        return properties;
    }

    private static Greeter greeter() {
        return name -> "Hello, " + name;
    }

    private PluginInfo only() {
        List<PluginInfo> plugins = registry.plugins();
        assertEquals(plugins.toString(), 1, plugins.size());
        return plugins.get(0);
    }
}
