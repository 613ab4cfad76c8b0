package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.deploy.PluginFileHandler;

/**
 * The {@link PluginFileHandler} services present, one per extension: the watched folder and the
 * {@code plugin:*} commands ask here which handler takes a file. A handler whose extension is not
 * usable is reported and ignored; of two handlers of one extension, the higher ranking (then the
 * older) serves, the other waits.
 */
@Component(service = PluginFileHandlers.class)
public final class PluginFileHandlers {

    /**
     * Highest ranking first, then the oldest. A class of its own, and loops rather than streams
     * below: a handler arrives during the host's start, where each lambda's class costs time.
     */
    private static final Comparator<FileHandler> PRECEDENCE = new Comparator<>() {
        @Override
        public int compare(FileHandler a, FileHandler b) {
            int byRanking = Integer.compare(b.ranking(), a.ranking());
            return byRanking != 0 ? byRanking : Long.compare(a.serviceId(), b.serviceId());
        }
    };

    private final Logger logger;
    private final Map<Long, FileHandler> byServiceId = new HashMap<>();
    private final List<Consumer<List<FileHandler>>> listeners = new ArrayList<>();

    /** Creates the table; handlers are bound as they come. */
    @Activate
    public PluginFileHandlers(@Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Reference(service = PluginFileHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHandler(ServiceReference<PluginFileHandler> reference, PluginFileHandler handler) {
        Optional<FileHandler> bound = of(reference, handler);
        if (bound.isPresent()) {
            add(bound.get());
        }
    }

    /** A changed extension or ranking: taken as a handler that left and came again. */
    void updatedHandler(ServiceReference<PluginFileHandler> reference, PluginFileHandler handler) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        synchronized (this) {
            byServiceId.remove(serviceId);
            of(reference, handler).ifPresent(h -> byServiceId.put(serviceId, h));
            changed();
        }
    }

    void unbindHandler(ServiceReference<PluginFileHandler> reference, PluginFileHandler handler) {
        remove((Long) reference.getProperty(Constants.SERVICE_ID));
    }

    /** Adds a handler (or replaces the one with its service id). */
    public synchronized void add(FileHandler handler) {
        byServiceId.put(handler.serviceId(), handler);
        List<FileHandler> rivals = new ArrayList<>();
        for (FileHandler h : byServiceId.values()) {
            if (h.extension().equals(handler.extension())) {
                rivals.add(h);
            }
        }
        rivals.sort(PRECEDENCE);
        if (rivals.size() > 1) {
            logger.info("{} handlers take *{} files: {} (service {}) serves them, the others wait: {}", rivals.size(),
                    handler.extension(), rivals.get(0).describe(), rivals.get(0).serviceId(),
                    rivals.subList(1, rivals.size()).stream().map(h -> h.describe() + " (service " + h.serviceId() + ")")
                            .collect(Collectors.joining(", ")));
        }
        changed();
    }

    /** Removes the handler with the service id, if it is here. */
    public synchronized void remove(long serviceId) {
        if (byServiceId.remove(serviceId) != null) {
            changed();
        }
    }

    /** Whether the handler service with this id is still registered. */
    public synchronized boolean isPresent(long serviceId) {
        return byServiceId.containsKey(serviceId);
    }

    /** The handlers that serve now, one per extension, by extension. */
    public synchronized List<FileHandler> handlers() {
        Map<String, FileHandler> serving = new TreeMap<>();
        for (FileHandler handler : byServiceId.values()) {
            FileHandler other = serving.get(handler.extension());
            if (other == null || PRECEDENCE.compare(handler, other) < 0) {
                serving.put(handler.extension(), handler);
            }
        }
        return List.copyOf(serving.values());
    }

    /** The handler that takes the file, by the longest extension its name ends with. */
    public Optional<FileHandler> forFile(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toString().toLowerCase(Locale.ROOT);
        return handlers().stream()
                .filter(h -> lower.endsWith(h.extension()) && lower.length() > h.extension().length())
                .max(Comparator.comparingInt(h -> h.extension().length()));
    }

    /**
     * Tells the listener the serving handlers now, and again after every change, until it is
     * removed. It is called with this table locked, in the order of the changes, so it must only
     * hand the list on.
     */
    public synchronized void addListener(Consumer<List<FileHandler>> listener) {
        listeners.add(listener);
        listener.accept(handlers());
    }

    /** Stops telling the listener. */
    public synchronized void removeListener(Consumer<List<FileHandler>> listener) {
        listeners.remove(listener);
    }

    private void changed() {
        List<FileHandler> serving = handlers();
        for (Consumer<List<FileHandler>> listener : listeners) {
            listener.accept(serving);
        }
    }

    /** The handler the service describes, or empty (reported) if its extension is not usable. */
    private Optional<FileHandler> of(ServiceReference<PluginFileHandler> reference, PluginFileHandler handler) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        Bundle bundle = reference.getBundle();
        String bundleName = bundle == null ? "?" : bundle.getSymbolicName() + " " + bundle.getVersion();
        Object value = reference.getProperty(PluginFileHandler.EXTENSION);
        Optional<String> problem = problemWith(value);
        if (problem.isPresent()) {
            logger.warn("Ignoring plugin file handler service {} of {}: {}", serviceId, bundleName, problem.get());
            return Optional.empty();
        }
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        return Optional.of(new FileHandler(normalize((String) value), handler, serviceId,
                ranking instanceof Integer r ? r : 0, bundle == null ? -1 : bundle.getBundleId(), bundleName));
    }

    private static boolean hasCharacterNotAllowed(String extension) {
        for (int i = 0; i < extension.length(); i++) {
            char c = extension.charAt(i);
            if (c == '/' || c == '\\' || Character.isWhitespace(c) || c == '*') {
                return true;
            }
        }
        return false;
    }

    /** The extension as handlers are matched by it: trimmed, lower case. */
    static String normalize(String extension) {
        return extension.trim().toLowerCase(Locale.ROOT);
    }

    /** Why the value of {@value PluginFileHandler#EXTENSION} cannot name the files of a handler, if it cannot. */
    static Optional<String> problemWith(Object value) {
        String property = PluginFileHandler.EXTENSION;
        if (!(value instanceof String text) || text.isBlank()) {
            return Optional.of("it needs the string property " + property + ", such as .goplugin");
        }
        String extension = normalize(text);
        if (!extension.startsWith(".") || extension.length() < 2) {
            return Optional.of(property + " '" + text + "' is not an extension: it must be a dot and a name, such as .goplugin");
        }
        if (hasCharacterNotAllowed(extension)) {
            return Optional.of(property + " '" + text + "' is not an extension: it must not contain /, \\, * or spaces");
        }
        if (extension.equals(JarKind.EXTENSION)) {
            return Optional.of(property + " '" + text + "' is taken: *.jar files are plugin bundles");
        }
        if (FileKinds.isIgnored("x" + extension)) {
            return Optional.of(property + " '" + text + "' names files the plugins folder ignores as half-written");
        }
        return Optional.empty();
    }
}
