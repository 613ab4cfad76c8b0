package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.host.internal.state.StateLedger;
import io.plugboard.host.internal.text.NumberProperty;

/**
 * Watches the folder named by the framework property {@value #PLUGINS_DIR}: a jar added is
 * installed and started, a jar replaced is updated, a jar deleted is uninstalled; a file of a
 * {@link io.plugboard.api.deploy.PluginFileHandler}'s extension goes to that handler the same
 * way, as long as the handler is there. Does nothing when the property is unset. Our own watcher rather than Felix FileInstall: it reacts to
 * inotify events within milliseconds instead of polling every 2 s, never installs a jar that is
 * still being written (it judges the jar's content, not how long it has been quiet), and
 * survives bursts that overflow the event queue (by rescanning).
 */
@Component(immediate = true, service = FolderWatcher.class)
public final class FolderWatcher {

    static final String PLUGINS_DIR = "plugboard.plugins.dir";
    static final String RESCAN_MS = "plugboard.watch.rescan.ms";
    static final String CORRUPT_MS = "plugboard.watch.corrupt.ms";
    static final String GONE_MS = "plugboard.watch.gone.ms";
    static final String HANDLER_THREADS_PROPERTY = "plugboard.watch.handler.threads";
    private static final long DEFAULT_RESCAN_MS = 2_000;
    private static final long DEFAULT_CORRUPT_MS = 500;
    /** An editor's save (the file moved away, then written anew) takes milliseconds; a deletion may wait this long. */
    private static final long DEFAULT_GONE_MS = 500;
    /** How long stopping waits for the handlers' threads, as the folder's worker is waited for. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final BundleContext context;
    private final Logger logger;
    private final WatchedFolder folder;
    private final PluginFileHandlers handlers;
    private final Consumer<List<FileHandler>> handlersChanged;
    /**
     * How many of the handlers' files are worked on at the same time by default (go-plugin starts,
     * each waiting for its plugin): a few, so that a plugin slow to start (up to its start timeout)
     * holds up no other, while a folder of many descriptors does not start them all at once.
     */
    static final int HANDLER_THREADS = 4;

    /**
     * Runs the handlers' installs, updates and uninstalls (a go-plugin start waits for its plugin's
     * handshake and readiness, up to its start timeout), each file's in order, several files at
     * once, beside the folder's worker, which goes on with the jars and the events meanwhile.
     * Dropped, rather than started, once deactivation began (the handler's files are taken again
     * when a folder watcher is back).
     */
    private final FileTasks handlerTasks;
    private final BundleListener uninstalls;

    /**
     * Scans the folder (its plugins are installed when this returns), then watches it.
     *
     * @param stateLedger told of each bundle uninstalled because its jar left the folder, so it
     *        keeps that bundle's state for a jar put back. Required also so that this activates,
     *        and the first scan starts the
     *        plugins, once the host offers {@code StateHandover} (its provider registers it as it
     *        activates, and DS activates the host's components in name order, this one before it).
     *        A stateful plugin's component then activates within its start, as after a live
     *        install or update, so a version of it that fails to activate is told apart at
     *        start-up too, and refused as it is live (see {@link FolderActions#removeStale}).
     */
    @Activate
    public FolderWatcher(BundleContext context, @Reference(name = "installer") PluginInstaller installer,
            @Reference(name = "handlers") PluginFileHandlers handlers,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            @Reference(name = "stateLedger") StateLedger stateLedger) {
        this.context = context;
        this.logger = logger;
        this.handlers = handlers;
        this.handlerTasks = newHandlerTasks(threads(context, logger));
        Path dir = pluginsDir(context, logger);
        if (dir == null) {
            folder = null;
            handlersChanged = null;
            uninstalls = null;
            return;
        }
        WatchSettings settings = WatchSettings.of(millis(context, RESCAN_MS, DEFAULT_RESCAN_MS, logger),
                millis(context, CORRUPT_MS, DEFAULT_CORRUPT_MS, logger))
                .withGoneMillis(millis(context, GONE_MS, DEFAULT_GONE_MS, logger));
        InstallerFolderActions jarActions = new InstallerFolderActions(context, dir, installer, logger, stateLedger);
        JarKind jars = new JarKind(jarActions);
        // Jars only in the synchronous first scan: a handler's plugins (a child process each, for
        // go-plugin) start on the worker right after, so they do not hold up the host's start and
        // the bundle plugins' first calls. plugin:use waits for them (awaitQueuedWork).
        // No handler yet, so no outcome to tell: the handlers come through handlersChanged.
        WatchedFolder watched = new WatchedFolder(dir, kinds(jars, dir, List.of(), handlers::isPresent, installer,
                (file, warning) -> { },
                handlerTasks::execute, logger),
                FolderLog.of(logger), settings, installer::batch);
        try {
            watched.start();
            logger.info("Watching the plugins folder {}", dir);
        } catch (IOException e) {
            watched.close();
            logger.error("Cannot watch the plugins folder {}: {}", dir, e.getMessage());
            folder = null;
            handlersChanged = null;
            uninstalls = null;
            return;
        }
        folder = watched;
        // Any bundle uninstalled past the folder (plugin:uninstall, the shell's uninstall): a jar
        // refused because that bundle was installed may fit now. One the folder uninstalled (its
        // jar deleted) is not news: the folder judged the refused files again as it did so. An
        // update (from the folder or plugin:update) is news too: the version, or the plugins, the
        // refused jar clashed with may have left with the old revision.
        uninstalls = event -> {
            if ((event.getType() == BundleEvent.UNINSTALLED && !jarActions.leftThroughFolder(event.getBundle()))
                    || event.getType() == BundleEvent.UPDATED) {
                watched.pluginLeft();
            }
        };
        context.addBundleListener(uninstalls);
        // addListener tells the handlers present at once (their files are taken now, on the
        // worker), then each change.
        handlersChanged = present -> watched.setKinds(kinds(jars, dir, present, handlers::isPresent, installer,
                watched::installedLater,
                handlerTasks::execute, logger));
        handlers.addListener(handlersChanged);
    }

    /**
     * Waits until the folder's worker has done what was queued so far (the plugins of files that
     * landed, a handler's files); false if not within the timeout.
     */
    public boolean awaitQueuedWork(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (folder != null && !folder.awaitQueuedWork(timeoutMillis)) {
            return false;
        }
        // Then what the worker handed to the handlers' threads meanwhile.
        return handlerTasks.awaitDone(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    /**
     * Tells the folder that a plugin run from a file left (plugin:uninstall): a file refused
     * because of it is judged again. Bundles need not be told: the folder sees them go.
     */
    public void pluginLeft() {
        if (folder != null) {
            folder.pluginLeft();
        }
    }

    /**
     * Stops watching; no thread of ours outlives the component. The handlers' threads are stopped
     * as the folder's worker is: an install under way (a go-plugin start waits for its plugin) has
     * {@value #STOP_TIMEOUT_MILLIS} ms to end, is then interrupted and waited for again, boundedly;
     * the files queued behind it are not handed over any more.
     */
    @Deactivate
    public void deactivate() {
        if (uninstalls != null) {
            context.removeBundleListener(uninstalls);
        }
        if (handlersChanged != null) {
            handlers.removeListener(handlersChanged);
        }
        if (folder != null) {
            folder.close();
        }
        if (!handlerTasks.stop(STOP_TIMEOUT_MILLIS)) {
            logger.warn("The plugins folder's handler threads (plugboard-folder-handlers) did not end within {} ms,"
                    + " nor {} ms after it was interrupted; it is left to end on its own", STOP_TIMEOUT_MILLIS,
                    ExecutorStop.INTERRUPTED_MILLIS);
        }
    }

    /** Jars, and the files of each handler present. */
    private static List<FileKind> kinds(JarKind jars, Path dir, List<FileHandler> present, LongPredicate registered,
            PluginInstaller installer, BiConsumer<Path, String> outcome, FileTasks.Work handlerWork, Logger logger) {
        List<FileKind> kinds = new ArrayList<>();
        kinds.add(jars);
        for (FileHandler handler : present) {
            kinds.add(new HandlerKind(dir, handler, registered,
                    names -> installer.removingOnPurpose(names, handler.bundleId()), handlerWork, outcome, logger));
        }
        return kinds;
    }

    /** The handlers' work on threads of their own: daemons, made as needed up to {@link #HANDLER_THREADS}, ended when idle. */
    static FileTasks newHandlerTasks() {
        return newHandlerTasks(HANDLER_THREADS);
    }

    /** The handlers' work on threads of their own: daemons, made as needed up to {@code threads}, ended when idle. */
    static FileTasks newHandlerTasks(int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "plugboard-folder-handlers-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return new FileTasks(pool);
    }

    // The folder to watch, created if missing; null (with an ERROR naming it) if unusable.
    private static Path pluginsDir(BundleContext context, Logger logger) {
        String value = context.getProperty(PLUGINS_DIR);
        if (value == null || value.isBlank()) {
            logger.debug("{} is not set: no plugins folder is watched", PLUGINS_DIR);
            return null;
        }
        Path dir;
        try {
            dir = Path.of(value.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            logger.error("The plugins folder '{}' ({}) is not a valid path: {}", value, PLUGINS_DIR, e.getReason());
            return null;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            logger.error("The plugins folder {} ({}) is not a directory; no plugins folder is watched", dir, PLUGINS_DIR);
            return null;
        }
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            logger.error("Cannot create the plugins folder {} ({}): {}; no plugins folder is watched", dir,
                    PLUGINS_DIR, e.toString());
            return null;
        }
    }

    /** How many of the handlers' files may be worked on at once: {@value #HANDLER_THREADS_PROPERTY}, 1 or more. */
    private static int threads(BundleContext context, Logger logger) {
        return NumberProperty.count(HANDLER_THREADS_PROPERTY, context.getProperty(HANDLER_THREADS_PROPERTY), 1,
                HANDLER_THREADS, "threads", logger);
    }

    private static long millis(BundleContext context, String property, long defaultValue, Logger logger) {
        return NumberProperty.millis(property, context.getProperty(property), 0, defaultValue, logger);
    }
}
