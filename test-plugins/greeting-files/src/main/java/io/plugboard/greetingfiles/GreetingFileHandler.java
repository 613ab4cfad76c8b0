package io.plugboard.greetingfiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginProperties;
import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.api.greeter.Greeter;

/**
 * A test fixture: a real {@link PluginFileHandler} for {@code *.greeting} files, a second
 * implementation of the SPI beside the go-plugin one, without processes. Each file becomes a
 * {@link Greeter} service registered on the plugin's behalf, with {@code plugin.name},
 * {@code plugin.type} and {@code plugin.version}, logging through {@code plugin:<name> <version>}.
 */
@Component(property = PluginFileHandler.EXTENSION + "=" + GreetingFileHandler.EXTENSION)
public final class GreetingFileHandler implements PluginFileHandler {

    static final String EXTENSION = ".greeting";

    private final BundleContext context;
    private final LoggerFactory loggers;
    // Guarded by this: the host calls from its folder worker and from commands.
    private final Map<Path, Running> running = new LinkedHashMap<>();

    /** One plugin serving, and when it was installed. */
    private record Running(GreetingPlugin plugin, ServiceRegistration<Greeter> registration, long installedMillis) {
    }

    /** Creates the handler; its greeters are registered through the bundle's context. */
    @Activate
    public GreetingFileHandler(BundleContext context, @Reference(name = "loggers") LoggerFactory loggers) {
        this.context = context;
        this.loggers = loggers;
    }

    @Override
    public long check(Path file) throws PluginFileException {
        return GreetingFile.read(file).fingerprint();
    }

    /** Starts the greeter the file describes; one from this file before is replaced only once the new one serves. */
    @Override
    public synchronized void install(Path file) throws PluginFileException {
        Path key = key(file);
        GreetingFile greeting = GreetingFile.read(key);
        for (Map.Entry<Path, Running> other : running.entrySet()) {
            if (!other.getKey().equals(key) && other.getValue().plugin().file().name().equals(greeting.name())) {
                throw new PluginFileException(key.getFileName() + ": a plugin named " + greeting.name()
                        + " already runs from " + other.getKey());
            }
        }
        Logger logger = loggers.getLogger(PLUGIN_LOGGER_PREFIX + greeting.name() + " " + greeting.version());
        GreetingPlugin plugin = new GreetingPlugin(greeting, logger);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PluginProperties.NAME, greeting.name());
        properties.put(PluginProperties.TYPE, Greeter.TYPE);
        properties.put(PluginProperties.VERSION, greeting.version().toString());
        ServiceRegistration<Greeter> registration = context.registerService(Greeter.class, plugin, properties);
        Running old = running.put(key, new Running(plugin, registration, System.currentTimeMillis()));
        if (old != null) {
            stop(old, "replaced by " + greeting.name() + " " + greeting.version());
        }
        logger.info("Serving the greeting '{}' from {}", greeting.greeting(), key.getFileName());
    }

    @Override
    public synchronized void uninstall(Path file) {
        Running old = running.remove(key(file));
        if (old != null) {
            stop(old, "uninstalled");
        }
    }

    @Override
    public synchronized List<PluginFile> installed() {
        List<PluginFile> files = new ArrayList<>();
        running.forEach((file, r) -> files.add(new PluginFile(file, r.plugin().file().name(), r.installedMillis())));
        return files;
    }

    /** The greeting, how many greetings it gave, and its file. */
    @Override
    public synchronized Map<String, String> describe(String pluginName) {
        for (Map.Entry<Path, Running> entry : running.entrySet()) {
            GreetingPlugin plugin = entry.getValue().plugin();
            if (plugin.file().name().equals(pluginName)) {
                Map<String, String> facts = new LinkedHashMap<>();
                facts.put("greeting", plugin.file().greeting());
                facts.put("greeted", String.valueOf(plugin.greeted()));
                facts.put("file", entry.getKey().toString());
                return facts;
            }
        }
        return Map.of();
    }

    /** Stops every greeter, as a handler's plugins stop with its bundle. */
    @Deactivate
    synchronized void deactivate() {
        running.values().forEach(r -> stop(r, "its handler stopped"));
        running.clear();
    }

    private static void stop(Running old, String why) {
        try {
            old.registration().unregister();
        } catch (IllegalStateException e) {
            // Unregistered already: the bundle is stopping.
        }
        old.plugin().logger().info("Stopped: {}", why);
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
