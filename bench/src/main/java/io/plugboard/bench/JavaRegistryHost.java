package io.plugboard.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginRegistry;

/**
 * The Java host as the runtime runs it: the goplugin bundle in an embedded Felix (with SCR, Log,
 * the host and its example plugins), a {@code .goplugin} descriptor installed through the bundle's
 * {@link PluginFileHandler} (what the watched folder and {@code plugin:install} call), and the
 * calls made as an application makes them: on the registry's {@code kv} stand-in
 * ({@link PluginRegistry#service}, kept from the start, as the {@code plugin:kv} commands keep
 * theirs), with the framework selecting {@code kv.go} for the type ({@code plugboard.select.kv}, as
 * {@code plugin:use kv kv.go} would). Each call goes to the plugin's GoKeyValueStore, with the
 * descriptor's default call timeout.
 */
final class JavaRegistryHost implements AutoCloseable {

    static final String BUNDLE = "goplugin";
    private static final String NAME = "kv.go";
    private static final long SERVICE_TIMEOUT_MILLIS = 10_000;

    private final EmbeddedHost host;
    private final PluginFileHandler handler;
    private final KeyValueStore store;
    private final Path plugin;
    private final Path descriptors;
    private int round;

    private JavaRegistryHost(EmbeddedHost host, PluginFileHandler handler, Path plugin, Path descriptors) {
        this.host = host;
        this.handler = handler;
        this.store = host.registry().service("kv", KeyValueStore.class);
        this.plugin = plugin;
        this.descriptors = descriptors;
    }

    /**
     * Starts the framework in {@code work}.
     *
     * @param plugin the kv-go binary
     * @param socketRoot where each plugin instance gets its socket folder
     */
    static JavaRegistryHost start(Path work, Path plugin, Path socketRoot) throws Exception {
        // Each round's descriptor names its workdir, so the data folder holds only Netty's
        // native library (unless a JavaWireHost set its system property first).
        EmbeddedHost host = EmbeddedHost.start(Watcher.NONE, work, List.of(BUNDLE), Map.of(
                "plugboard.goplugin.socket.dir", socketRoot.toString(),
                "plugboard.select.kv", NAME));
        try {
            PluginFileHandler handler = await(host.context(), PluginFileHandler.class,
                    "(" + PluginFileHandler.EXTENSION + "=.goplugin)");
            return new JavaRegistryHost(host, handler, plugin, Files.createDirectories(work.resolve("descriptors")));
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
    }

    /** Installs a descriptor working in {@code workDir}, runs the Put+Get workload on its service, uninstalls it. */
    HostFigures run(KvWorkload workload, Path workDir) throws Exception {
        Path descriptor = descriptors.resolve("kv-go-" + round++ + ".goplugin");
        Files.writeString(descriptor, String.join("\n",
                "name=" + NAME,
                "type=kv",
                "command=" + plugin.toAbsolutePath(),
                "cookie=BASIC_PLUGIN=hello",
                "protocol-versions=1",
                "workdir=" + workDir.toAbsolutePath(),
                ""), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        handler.install(descriptor);
        long installed = System.nanoTime();
        try {
            // install returns once the plugin serves and its service is registered; the registry
            // made it the active kv plugin then (the framework selects kv.go).
            store.put("first-call", workload.value());
            long answered = System.nanoTime();
            HostFigures.InstallPhases phases = new HostFigures.InstallPhases(installed - start, answered - installed);
            HostFigures figures = workload.run(answered - start, null, new KvWorkload.Kv() {
                @Override
                public void put(String key, byte[] value) {
                    store.put(key, value);
                }

                @Override
                public byte[] get(String key) {
                    return store.get(key).orElse(null);
                }
            });
            return figures.withInstallPhases(phases);
        } finally {
            handler.uninstall(descriptor);
        }
    }

    @Override
    public void close() throws Exception {
        host.close();
    }

    /** The service once it is registered (the bundle's DS component comes up after the framework starts). */
    private static <S> S await(BundleContext context, Class<S> type, String filter) throws Exception {
        long deadline = System.nanoTime() + SERVICE_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            Collection<ServiceReference<S>> references = context.getServiceReferences(type, filter);
            if (!references.isEmpty()) {
                S service = context.getService(references.iterator().next());
                if (service != null) {
                    return service;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the goplugin bundle registered no " + type.getSimpleName() + " " + filter
                + " within " + SERVICE_TIMEOUT_MILLIS + " ms; is bundles/" + BUNDLE + ".jar unresolved?");
    }
}
