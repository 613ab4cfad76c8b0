package io.plugboard.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.api.kv.KeyValueStore;

/**
 * The Java host as the runtime runs it: the goplugin bundle in an embedded Felix (with SCR, Log
 * and the host), a {@code .goplugin} descriptor installed through the bundle's
 * {@link PluginFileHandler} (what the watched folder and {@code plugin:install} call), and the
 * calls made on the {@link KeyValueStore} service it registers (GoKeyValueStore, the object the
 * registry hands out), with the descriptor's default call timeout.
 */
final class JavaRegistryHost implements AutoCloseable {

    static final String BUNDLE = "goplugin";
    private static final String NAME = "kv.go";
    private static final long SERVICE_TIMEOUT_MILLIS = 10_000;

    private final EmbeddedHost host;
    private final BundleContext context;
    private final PluginFileHandler handler;
    private final Path plugin;
    private final Path descriptors;
    private int round;

    private JavaRegistryHost(EmbeddedHost host, PluginFileHandler handler, Path plugin, Path descriptors) {
        this.host = host;
        this.context = host.context();
        this.handler = handler;
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
                "plugboard.goplugin.socket.dir", socketRoot.toString()));
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
        ServiceReference<KeyValueStore> reference = null;
        try {
            // install returns once the plugin serves and its service is registered.
            reference = reference(context, KeyValueStore.class,
                    "(" + PluginProperties.NAME + "=" + NAME + ")");
            KeyValueStore store = context.getService(reference);
            store.put("first-call", workload.value());
            long startFirstCall = System.nanoTime() - start;
            return workload.run(startFirstCall, null, new KvWorkload.Kv() {
                @Override
                public void put(String key, byte[] value) {
                    store.put(key, value);
                }

                @Override
                public byte[] get(String key) {
                    return store.get(key).orElse(null);
                }
            });
        } finally {
            if (reference != null) {
                context.ungetService(reference);
            }
            handler.uninstall(descriptor);
        }
    }

    @Override
    public void close() throws Exception {
        host.close();
    }

    private static <S> ServiceReference<S> reference(BundleContext context, Class<S> type, String filter)
            throws InvalidSyntaxException {
        Collection<ServiceReference<S>> references = context.getServiceReferences(type, filter);
        if (references.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " service " + filter);
        }
        return references.iterator().next();
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
