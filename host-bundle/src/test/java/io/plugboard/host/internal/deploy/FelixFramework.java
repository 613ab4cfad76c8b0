package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A real Felix framework for one test, with an API bundle exporting {@code io.plugboard.api}
 * and {@code io.plugboard.api.kv} 1.0.0 and a started host bundle whose context the test uses.
 */
public final class FelixFramework extends ExternalResource {

    private final TemporaryFolder temp;
    private Framework framework;
    private Path storage;
    private final Map<String, String> properties;
    Bundle api;
    Bundle host;

    public FelixFramework(TemporaryFolder temp) {
        this(temp, Map.of());
    }

    /** @param properties framework properties besides the cache's */
    public FelixFramework(TemporaryFolder temp, Map<String, String> properties) {
        this.temp = temp;
        this.properties = properties;
    }

    @Override
    protected void before() throws Throwable {
        storage = temp.newFolder("felix-cache").toPath();
        framework = newFramework(Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework.start();
        BundleContext system = framework.getBundleContext();
        Path apiJar = TestJars.write(temp.newFile("api.jar").toPath(), TestJars.bundle(10,
                "Bundle-SymbolicName", "io.plugboard.api", "Bundle-Version", "0.1.0",
                "Export-Package", "io.plugboard.api;version=1.0.0,io.plugboard.api.kv;version=1.0.0"));
        api = system.installBundle(apiJar.toUri().toString());
        api.start();
        Path hostJar = TestJars.write(temp.newFile("host.jar").toPath(), TestJars.bundle(10,
                "Bundle-SymbolicName", "io.plugboard.host", "Bundle-Version", "0.1.0",
                "Import-Package", "io.plugboard.api;version=\"[1.0,2)\""));
        host = system.installBundle(hostJar.toUri().toString());
        host.start();
    }

    @Override
    protected void after() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the framework and starts a new one on the same cache, as a restart of Plugboard
     * does: the bundles installed are there again, and only those marked to start (API, host) start.
     */
    void restart() throws Exception {
        stop();
        framework = newFramework("none");
        framework.start();
        api = framework.getBundleContext().getBundle(api.getLocation());
        host = framework.getBundleContext().getBundle(host.getLocation());
    }

    /** Stops the framework (every bundle stops, the host last) and waits until it has stopped. */
    public void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    private Framework newFramework(String clean) {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, clean);
        return ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
    }

    /** The host bundle's context, as DS would inject it. */
    public BundleContext hostContext() {
        return host.getBundleContext();
    }
}
