package io.plugboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginRegistry;

/**
 * A real Felix framework in this JVM with SCR, Config Admin, Log, Gogo runtime, the host and the
 * example plugins, watched by one {@link Watcher}.
 *
 * <p>The API packages are exported by the system bundle from the bench's class path (as an
 * application that embeds Plugboard would do) instead of by the api bundle: then the bench holds
 * the very {@link Greeter} and {@link PluginRegistry} interfaces the host and the plugins use and
 * calls them directly, with no reflection on the measured path. The exported versions are read
 * from the api bundle's own manifest, so they follow the API.
 */
final class EmbeddedHost implements AutoCloseable {

    /** Started in this order; all of them before the framework starts. */
    private static final List<String> BOOT = List.of("org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.log", "org.apache.felix.configadmin",
            "org.apache.felix.scr", "org.apache.felix.gogo.runtime", "host");
    static final List<String> EXAMPLES = List.of("kv-memory", "kv-file", "greeter-en", "greeter-zh");
    private static final long READY_TIMEOUT_MILLIS = 60_000;

    private final Framework framework;
    private final PluginFolder folder;
    private final PluginRegistry registry;
    private final Greeter greeter;

    private EmbeddedHost(Framework framework, PluginFolder folder, PluginRegistry registry) {
        this.framework = framework;
        this.folder = folder;
        this.registry = registry;
        this.greeter = registry.service(Greeter.TYPE, Greeter.class);
    }

    /**
     * Starts a framework whose files live under {@code work}; returns once the four example
     * plugins are in the registry.
     */
    static EmbeddedHost start(Watcher watcher, Path work) throws Exception {
        return start(watcher, work, List.of(), Map.of());
    }

    /**
     * As {@link #start(Watcher, Path)}, with more bundles from the bench jar
     * ({@code bundles/<name>.jar}, started after the host) and more framework properties.
     */
    static EmbeddedHost start(Watcher watcher, Path work, List<String> extraBundles, Map<String, String> extraProperties)
            throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path data = Files.createDirectories(work.resolve("data"));
        PluginFolder folder = new PluginFolder(plugins, Files.createDirectories(work.resolve("stage")));
        Map<String, String> properties = new HashMap<>(watcher.properties(plugins, work));
        properties.put("org.osgi.framework.storage", work.resolve("felix-cache").toString());
        properties.put("org.osgi.framework.storage.clean", "onFirstInit");
        properties.put("org.osgi.framework.system.packages.extra", apiExports());
        properties.put("plugboard.data.dir", data.toString());
        properties.put("felix.cm.dir", data.resolve("config").toString());
        // Quiet: per-bundle INFO lines would cost time in the 1000-bundle scenario.
        properties.put("org.osgi.service.log.admin.loglevel", "WARN");
        properties.put("plugboard.log.console.level", "ERROR");
        properties.putAll(extraProperties);

        if (watcher != Watcher.NONE) {
            // The example plugins are files in the watched folder, as in the runtime.
            for (String example : EXAMPLES) {
                folder.land(example + ".jar", bundleBytes(example));
            }
        }
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next()
                .newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> boot = new ArrayList<>();
        for (String name : BOOT) {
            boot.add(install(context, name));
        }
        for (String name : extraBundles) {
            boot.add(install(context, name));
        }
        if (watcher.isFileInstall()) {
            boot.add(install(context, "org.apache.felix.fileinstall"));
        }
        if (watcher == Watcher.NONE) {
            for (String example : EXAMPLES) {
                boot.add(install(context, example));
            }
        }
        framework.start();
        for (Bundle bundle : boot) {
            bundle.start();
        }
        PluginRegistry registry = awaitRegistry(context);
        EmbeddedHost host = new EmbeddedHost(framework, folder, registry);
        host.awaitPlugins(EXAMPLES.size(), READY_TIMEOUT_MILLIS);
        return host;
    }

    /** The framework's bundle context, for the Felix-API anchor. */
    BundleContext context() {
        return framework.getBundleContext();
    }

    /** The host's registry. */
    PluginRegistry registry() {
        return registry;
    }

    /** A stand-in for the active greeter, from {@link PluginRegistry#service}. */
    Greeter greeter() {
        return greeter;
    }

    /** The watched folder. */
    PluginFolder folder() {
        return folder;
    }

    /** Waits until the registry lists at least {@code count} plugins; false on timeout. */
    boolean awaitPlugins(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (registry.plugins().size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The number of bundles installed in the framework, itself included. */
    int bundleCount() {
        return framework.getBundleContext().getBundles().length;
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(60_000);
    }

    /** The bytes of a bundle the build copied into the bench jar ({@code bundles/<name>.jar}). */
    static byte[] bundleBytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Bundle install(BundleContext context, String name) throws BundleException {
        return context.installBundle("bench:bundles/" + name + ".jar", open(name));
    }

    private static InputStream open(String name) {
        InputStream in = EmbeddedHost.class.getClassLoader().getResourceAsStream("bundles/" + name + ".jar");
        if (in == null) {
            throw new IllegalStateException("bundles/" + name + ".jar is missing from the bench jar; "
                    + "build it with mvn -pl bench -am package");
        }
        return in;
    }

    /** The api bundle's Export-Package header, used as the system bundle's extra exports. */
    static String apiExports() throws IOException {
        try (JarInputStream jar = new JarInputStream(open("api"))) {
            Manifest manifest = jar.getManifest();
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
            if (exports == null) {
                throw new IllegalStateException("bundles/api.jar has no Export-Package header");
            }
            return exports;
        }
    }

    private static PluginRegistry awaitRegistry(BundleContext context) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            ServiceReference<PluginRegistry> reference = context.getServiceReference(PluginRegistry.class);
            if (reference != null) {
                PluginRegistry registry = context.getService(reference);
                if (registry != null) {
                    return registry;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the host's PluginRegistry did not appear within "
                + READY_TIMEOUT_MILLIS + " ms; is a boot bundle unresolved?");
    }
}
