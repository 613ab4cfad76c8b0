package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
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
final class FelixFramework extends ExternalResource {

    private final TemporaryFolder temp;
    private Framework framework;
    Bundle api;
    Bundle host;

    FelixFramework(TemporaryFolder temp) {
        this.temp = temp;
    }

    @Override
    protected void before() throws Throwable {
        Path storage = temp.newFolder("felix-cache").toPath();
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
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
            framework.stop();
            framework.waitForStop(10_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host bundle's context, as DS would inject it. */
    BundleContext hostContext() {
        return host.getBundleContext();
    }
}
