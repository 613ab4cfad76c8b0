package io.plugboard.goplugin.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
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
import io.plugboard.goplugin.internal.launch.PluginLauncher;
import io.plugboard.goplugin.internal.wire.PluginChannels;

/**
 * Runs the go-plugin plugins that {@code *.goplugin} descriptors describe, one {@link Supervisor}
 * per descriptor file, and registers each as a {@code KeyValueStore}. The host hands it the
 * descriptors from its watched folder and from {@code plugin:install}.
 *
 * <p>Immediate: the plugins it runs are services in their own right, which must not stop when
 * the host happens to release this handler. Deactivation stops every plugin gracefully and closes
 * the launcher and the channels, so no process outlives the bundle.
 *
 * <p>Thread-safe: installs of different files run at the same time, each on its caller's thread
 * (a start may take the start timeout), so one slow plugin holds up no other. Uninstalling a file
 * whose plugin is starting, installing it again, or deactivating cancels that start: its caller
 * is interrupted, the process killed, and its install fails saying why.
 * {@link #installed} and {@link #describe} do not wait for starts.
 */
@Component(service = PluginFileHandler.class, property = PluginFileHandler.EXTENSION + "=" + Descriptor.EXTENSION,
        immediate = true)
public final class GoPluginHandler implements PluginFileHandler {

    /** Framework property naming the plugins folder the host watches (its FolderWatcher reads it too). */
    static final String PLUGINS_DIR_PROPERTY = "plugboard.plugins.dir";

    /** Framework property naming Plugboard's data folder: plugins work in its {@code goplugin/<name>}. */
    static final String DATA_DIR_PROPERTY = "plugboard.data.dir";

    /** How long cancelling a start waits for it to end (its process killed and reaped). */
    static final long CANCEL_WAIT_MILLIS = 5_000;

    /** Makes the publication of one plugin's service, which calls the supervisor. */
    @FunctionalInterface
    interface Publisher {
        Supervisor.Publication publication(Supervisor supervisor);
    }

    /**
     * Says which plugin of another bundle goes by a name: a go-plugin must not share its name
     * with a plugin bundle's, or two plugins of one name would serve and no command could tell
     * which one it meant.
     */
    @FunctionalInterface
    interface OtherPlugins {

        /** None: for tests without a framework. */
        OtherPlugins NONE = name -> Optional.empty();

        /**
         * Names the bundle whose plugin goes by the name, such as {@code bundle 15
         * (io.plugboard.kv-memory 1.0.0, from /plugins/kv-memory.jar)}; empty if none does.
         */
        Optional<String> named(String pluginName);
    }

    /** A plugin installed from a file. */
    private record Installed(Supervisor supervisor, long installedMillis) {
    }

    private final Logger logger;
    private final InstanceStarter starter;
    private final Publisher publisher;
    private final Path workRoot;
    private final Supervisor.Settings settings;
    private final Runnable closeShared;
    private final OtherPlugins others;
    private final NameOwners owners;
    /** Guards the bookkeeping below; held briefly, never while a plugin starts. */
    private final Object turns = new Object();
    private final Map<Path, Installed> byFile = new ConcurrentHashMap<>();
    /** The starts under way, by file; guarded by {@link #turns}. */
    private final Map<Path, Start> starting = new HashMap<>();
    /** Set once deactivation began; guarded by {@link #turns}. */
    private boolean closing;
    /** Runs once, before the first plugin starts (see {@link Shared#of}); guarded by {@link #turns}. */
    private Runnable beforeFirstStart;

    /**
     * A start under way on its caller's thread. Cancelling interrupts that thread: the launch layer
     * then kills the process (as when the start timeout runs out) and the start fails.
     */
    private static final class Start {
        final String name;
        private final Thread thread = Thread.currentThread();
        private String cancelled;
        private boolean over;

        Start(String name) {
            this.name = name;
        }

        synchronized void cancel(String why) {
            if (!over && cancelled == null) {
                cancelled = why;
                thread.interrupt();
            }
        }

        /** Marks the start over (a later cancel does nothing); returns why it was cancelled, or null. */
        synchronized String over() {
            over = true;
            if (cancelled != null) {
                Thread.interrupted(); // ours, not the caller's
            }
            return cancelled;
        }
    }

    /** Creates the handler with its launcher and channels; called by DS. */
    @Activate
    public GoPluginHandler(BundleContext context, @Reference(name = "loggers") LoggerFactory loggers) {
        this(context, loggers, Supervisor.Settings.DEFAULT);
    }

    /** Creates the handler as DS does, with other supervisor settings (shorter backoffs), for tests. */
    GoPluginHandler(BundleContext context, LoggerFactory loggers, Supervisor.Settings settings) {
        this(Shared.of(context, loggers), settings);
    }

    private GoPluginHandler(Shared shared, Supervisor.Settings settings) {
        this(shared.logger, shared.starter, shared.publisher, shared.workRoot, settings, shared.close, shared.others,
                shared.pluginsDir);
        this.beforeFirstStart = shared.beforeFirstStart;
    }

    /**
     * Creates a handler from plain parts, for tests.
     *
     * @param workRoot the folder under which plugins without {@code workdir} work ({@code <data>/goplugin})
     * @param closeShared closes what the plugins shared, after they all stopped
     */
    GoPluginHandler(Logger logger, InstanceStarter starter, Publisher publisher, Path workRoot,
            Supervisor.Settings settings, Runnable closeShared) {
        this(logger, starter, publisher, workRoot, settings, closeShared, OtherPlugins.NONE);
    }

    /**
     * Creates a handler from plain parts, for tests, with the plugins of other bundles.
     *
     * @param others which other bundle's plugin goes by a name
     */
    GoPluginHandler(Logger logger, InstanceStarter starter, Publisher publisher, Path workRoot,
            Supervisor.Settings settings, Runnable closeShared, OtherPlugins others) {
        this(logger, starter, publisher, workRoot, settings, closeShared, others, null);
    }

    /**
     * Creates a handler from plain parts, for tests, with the plugins folder the host watches.
     *
     * @param pluginsDir the watched plugins folder, or null if none is: a name's recorded file keeps
     *     it only while it is in that folder
     */
    GoPluginHandler(Logger logger, InstanceStarter starter, Publisher publisher, Path workRoot,
            Supervisor.Settings settings, Runnable closeShared, OtherPlugins others, Path pluginsDir) {
        this.logger = logger;
        this.starter = starter;
        this.publisher = publisher;
        this.workRoot = workRoot;
        this.settings = settings;
        this.closeShared = closeShared;
        this.others = others;
        this.owners = new NameOwners(workRoot, pluginsDir);
    }

    @Override
    public long check(Path file) throws PluginFileException {
        return Descriptor.read(file, workRoot).fingerprint();
    }

    @Override
    public void install(Path file) throws PluginFileException {
        try {
            installOnThisThread(file);
        } finally {
            // The first start makes the channels, and Netty's thread-locals, on the caller's thread.
            PluginChannels.releaseCallingThread();
        }
    }

    private void installOnThisThread(Path file) throws PluginFileException {
        Path key = file.toAbsolutePath().normalize();
        Descriptor descriptor = Descriptor.read(key, workRoot);
        Start start = new Start(descriptor.name());
        Installed before;
        synchronized (turns) {
            if (closing) {
                throw new PluginFileException(key + " was not installed: the go-plugin handler is stopping");
            }
            // The file's earlier start (plugin:install racing the folder) gives way to this one.
            Start earlier = starting.get(key);
            if (earlier != null) {
                earlier.cancel("the file was installed again");
                awaitStartsOver(() -> starting.containsKey(key));
            }
            for (Map.Entry<Path, Installed> entry : byFile.entrySet()) {
                if (!entry.getKey().equals(key) && entry.getValue().supervisor().name().equals(descriptor.name())) {
                    throw alreadyRuns(key, descriptor, entry.getKey());
                }
            }
            for (Map.Entry<Path, Start> entry : starting.entrySet()) {
                if (!entry.getKey().equals(key) && entry.getValue().name.equals(descriptor.name())) {
                    throw alreadyRuns(key, descriptor, entry.getKey());
                }
            }
            // As a second descriptor of one name is refused, so is one named as a bundle's plugin:
            // the one that came first keeps serving, and the watched folder tries this file again
            // when a plugin leaves. (The host refuses a bundle named as a go-plugin the same way.)
            Optional<Path> owner = owners.keeperAgainst(descriptor.name(), key);
            if (owner.isPresent() && stillDeclares(owner.get(), descriptor.name())) {
                // Two descriptors of one name after a restart: the one that ran it before keeps it.
                throw new PluginFileException(key + " declares the plugin " + descriptor.name() + ", which ran from "
                        + owner.get() + " before; that file keeps the name: give this one another name (key \"name\")"
                        + " or remove " + owner.get() + " first");
            }
            Optional<String> other = others.named(descriptor.name());
            if (other.isPresent()) {
                throw new PluginFileException(key + " declares the plugin " + descriptor.name() + ", which "
                        + other.get() + " serves already; a go-plugin and a bundle cannot share a plugin name: give it"
                        + " another name (key \"name\") or uninstall that bundle first");
            }
            before = byFile.get(key);
            if (beforeFirstStart != null) {
                beforeFirstStart.run();
                beforeFirstStart = null;
            }
            starting.put(key, start);
        }
        // Outside the turns: a start may take its whole start timeout, and other files, uninstalls
        // and the bundle's stop must not wait for it (they cancel it instead).
        boolean replacing = before != null && before.supervisor().name().equals(descriptor.name());
        Supervisor supervisor = replacing ? before.supervisor()
                : new Supervisor(descriptor, starter, publisher::publication, logger, settings);
        String cancelled;
        try {
            if (replacing) {
                supervisor.replace(descriptor);
            } else {
                supervisor.start();
            }
        } catch (PluginFileException | RuntimeException e) {
            cancelled = startOver(key, start, null);
            if (cancelled == null && Thread.currentThread().isInterrupted()) {
                // Cancelled by the caller (the watched folder, when the file changed or left it
                // meanwhile); the interrupt stays the caller's.
                cancelled = Files.exists(key) ? "its caller was interrupted"
                        : "its file " + key.getFileName() + " left the folder";
            }
            if (cancelled != null) {
                throw cancelledStart(key, descriptor, cancelled, e);
            }
            throw e;
        }
        cancelled = startOver(key, start, replacing ? null : supervisor);
        if (cancelled != null) {
            if (!replacing) {
                supervisor.stop(); // it served just as it was cancelled
            }
            throw cancelledStart(key, descriptor, cancelled, null);
        }
        owners.ranFrom(descriptor.name(), key);
        if (replacing) {
            return;
        }
        logger.info("Installed go-plugin {} {} from {}", descriptor.name(), descriptor.version(), key);
        if (before != null) {
            owners.left(before.supervisor().name(), key);
            // The file now names another plugin: the one it named before goes.
            before.supervisor().stop();
            logger.info("Stopped go-plugin {}: {} now declares {}", before.supervisor().name(), key,
                    descriptor.name());
        }
    }

    /**
     * Whether the descriptor is still there and declares the name: only then does it keep the
     * name it ran before. One gone, or that cannot be read now, leaves the name to another.
     */
    private boolean stillDeclares(Path descriptor, String name) {
        if (!Files.isRegularFile(descriptor)) {
            return false;
        }
        try {
            return Descriptor.read(descriptor, workRoot).name().equals(name);
        } catch (PluginFileException e) {
            return false;
        }
    }

    private static PluginFileException alreadyRuns(Path key, Descriptor descriptor, Path other) {
        return new PluginFileException(key + " declares the plugin " + descriptor.name()
                + ", which already runs from " + other + "; give it another name (key \"name\")"
                + " or uninstall " + other.getFileName() + " first");
    }

    /**
     * Ends the file's start: records the supervisor that now runs from it (unless the start was
     * cancelled, or failed: null), and returns why the start was cancelled, or null.
     */
    private String startOver(Path key, Start start, Supervisor started) {
        String cancelled = start.over();
        synchronized (turns) {
            if (starting.get(key) == start) {
                starting.remove(key);
            }
            if (cancelled == null && started != null) {
                byFile.put(key, new Installed(started, System.currentTimeMillis()));
            } else if (cancelled == null) {
                Installed installed = byFile.get(key);
                if (installed != null) {
                    byFile.put(key, new Installed(installed.supervisor(), System.currentTimeMillis()));
                }
            }
            turns.notifyAll();
        }
        return cancelled;
    }

    /** Logs and words a start that was cancelled; its process was killed as a failed start's is. */
    private PluginFileException cancelledStart(Path key, Descriptor descriptor, String why, Exception cause) {
        logger.info("Cancelled the start of go-plugin {} from {}: {}; its process was stopped", descriptor.name(), key,
                why);
        PluginFileException e = new PluginFileException(descriptor.name() + ": its start was cancelled: " + why);
        if (cause != null) {
            e.addSuppressed(cause);
        }
        return e;
    }

    /**
     * Waits, in the turns, while the condition holds (cancelled starts are ending), at most
     * {@link #CANCEL_WAIT_MILLIS}: a start that does not end by then is left to end on its own
     * (it sees it was cancelled and stops what it started).
     */
    private void awaitStartsOver(BooleanSupplier pending) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_WAIT_MILLIS);
        boolean interrupted = false;
        while (pending.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                logger.warn("A cancelled go-plugin start did not end within {} ms; it is left to end on its own",
                        CANCEL_WAIT_MILLIS);
                break;
            }
            try {
                turns.wait(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void uninstall(Path file) {
        Path key = file.toAbsolutePath().normalize();
        try {
            uninstallOnThisThread(key);
        } finally {
            PluginChannels.releaseCallingThread();
        }
    }

    private void uninstallOnThisThread(Path key) {
        Installed installed;
        synchronized (turns) {
            Start pending = starting.get(key);
            if (pending != null) {
                pending.cancel(Files.exists(key) ? "it was uninstalled"
                        : "its file " + key.getFileName() + " left the folder");
                awaitStartsOver(() -> starting.get(key) == pending);
            }
            installed = byFile.remove(key);
        }
        if (installed != null) {
            installed.supervisor().stop();
            owners.left(installed.supervisor().name(), key);
            logger.info("Uninstalled go-plugin {} ({})", installed.supervisor().name(), key);
        }
    }

    @Override
    public List<PluginFile> installed() {
        List<PluginFile> files = new ArrayList<>();
        byFile.forEach((file, installed) -> files.add(
                new PluginFile(file, installed.supervisor().name(), installed.installedMillis())));
        files.sort(Comparator.comparing(PluginFile::file));
        return files;
    }

    @Override
    public Map<String, String> describe(String pluginName) {
        for (Installed installed : byFile.values()) {
            if (installed.supervisor().name().equals(pluginName)) {
                return PluginFacts.of(installed.supervisor().status(), Instant.now());
            }
        }
        return new LinkedHashMap<>();
    }

    /**
     * Cancels the starts under way (their processes are killed, as a failed start's are), stops
     * every plugin (all at once, each gracefully), then closes the launcher and the channels.
     */
    @Deactivate
    public void deactivate() {
        try {
            List<Installed> all;
            synchronized (turns) {
                closing = true;
                starting.values().forEach(start -> start.cancel("the go-plugin handler is stopping"));
                awaitStartsOver(() -> !starting.isEmpty());
                all = new ArrayList<>(byFile.values());
                byFile.clear();
            }
            all.forEach(installed -> installed.supervisor().requestStop());
            all.forEach(installed -> installed.supervisor().stop());
            closeShared.run();
        } finally {
            // The thread that stops the bundle outlives it.
            PluginChannels.releaseCallingThread();
        }
    }

    /** What the DS constructor makes from the framework: the launcher, the channels and where files go. */
    private record Shared(Logger logger, InstanceStarter starter, Publisher publisher, Path workRoot, Runnable close,
            Runnable beforeFirstStart, OtherPlugins others, Path pluginsDir) {

        static Shared of(BundleContext context, LoggerFactory loggers) {
            Logger logger = loggers.getLogger(GoPluginHandler.class);
            Path data = dataFolder(context.getProperty(DATA_DIR_PROPERTY), context.getDataFile(""));
            Path nativeDir = data.resolve("native");
            try {
                Files.createDirectories(nativeDir);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create " + nativeDir + " for Netty's native library and"
                        + " plugboard-spawner: " + e, e);
            }
            String socketProperty = context.getProperty(ProcessStarter.SOCKET_DIR_PROPERTY);
            Path socketRoot = Path.of(socketProperty != null && !socketProperty.isBlank() ? socketProperty.strip()
                    : System.getProperty("java.io.tmpdir"));
            // The spawner binary goes beside Netty's library: unpacked once, reused while its bytes match.
            PluginLauncher launcher = new PluginLauncher(nativeDir, logger::warn);
            LazyChannels channels = new LazyChannels(nativeDir, spinWindow(context.getProperty(PluginChannels.SPIN_PROPERTY),
                    logger));
            InstanceStarter starter = new ProcessStarter(launcher, channels, socketRoot,
                    descriptor -> new PluginLog(loggers.getLogger(
                            PLUGIN_LOGGER_PREFIX + descriptor.name() + " " + descriptor.version())));
            Publisher publisher = supervisor -> new ServiceSlot(context, new GoKeyValueStore(supervisor));
            Runnable close = () -> {
                channels.close();
                launcher.close();
            };
            // At the first install, not now: this bundle may start before the host's log printer
            // listens (its line would be lost); the first plugin comes through the host.
            Runnable removeStaleSockets = () -> {
                List<Path> stale = SocketFolders.removeStale(socketRoot);
                if (!stale.isEmpty()) {
                    logger.info("Removed {} socket folder(s) of plugins whose host was killed: {}", stale.size(), stale);
                }
            };
            return new Shared(logger, starter, publisher, data.resolve("goplugin"), close, removeStaleSockets,
                    name -> pluginOfAnotherBundle(context, name),
                    GoPluginHandler.pluginsDir(context.getProperty(PLUGINS_DIR_PROPERTY)));
        }
    }

    /**
     * The bundle, other than this one, that registers a service named so ({@code plugin.name}),
     * described for a message; empty if none does.
     */
    static Optional<String> pluginOfAnotherBundle(BundleContext context, String pluginName) {
        ServiceReference<?>[] references;
        try {
            // A descriptor's name is letters, digits, '.', '_' and '-': nothing a filter must escape.
            references = context.getAllServiceReferences(null, "(" + PluginProperties.NAME + "=" + pluginName + ")");
        } catch (InvalidSyntaxException e) {
            return Optional.empty();
        }
        long self = context.getBundle().getBundleId();
        for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
            Bundle bundle = reference.getBundle();
            if (bundle != null && bundle.getBundleId() != self) {
                return Optional.of("bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName() + " "
                        + bundle.getVersion() + ", from " + shownLocation(bundle.getLocation()) + ")");
            }
        }
        return Optional.empty();
    }

    /** A bundle's location as a message shows it: the path of a {@code file:} location, else the location. */
    static String shownLocation(String location) {
        if (location != null && location.startsWith("file:")) {
            try {
                return Path.of(URI.create(location)).toString();
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                // Not a plain file URI: shown as it is.
            }
        }
        return location;
    }

    /** The event loop's spin window the property names; the default, with a warning, when it names none. */
    static Duration spinWindow(String property, Logger logger) {
        try {
            return PluginChannels.spinWindow(property);
        } catch (IllegalArgumentException e) {
            logger.warn("{}; using the default, {} µs", e.getMessage(), PluginChannels.DEFAULT_SPIN.toNanos() / 1000);
            return PluginChannels.DEFAULT_SPIN;
        }
    }

    /** The watched plugins folder the property names, as the host resolves it; null if none or not a path. */
    static Path pluginsDir(String property) {
        if (property == null || property.isBlank()) {
            return null;
        }
        try {
            return Path.of(property.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * The data folder: {@code plugboard.data.dir}, else the bundle's data area.
     *
     * @throws IllegalStateException when there is neither
     */
    static Path dataFolder(String dataDirProperty, File bundleDataArea) {
        if (dataDirProperty != null && !dataDirProperty.isBlank()) {
            return Path.of(dataDirProperty.strip()).toAbsolutePath();
        }
        if (bundleDataArea == null) {
            throw new IllegalStateException("go-plugin plugins need a data folder: set the framework property "
                    + DATA_DIR_PROPERTY + "; this framework gives bundles no data area");
        }
        return bundleDataArea.toPath().toAbsolutePath();
    }
}
