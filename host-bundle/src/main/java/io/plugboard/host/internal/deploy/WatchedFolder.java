package io.plugboard.host.internal.deploy;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.plugboard.host.internal.text.ThrowableText;

/**
 * The threads behind the plugins folder: one daemon thread takes WatchService (inotify) events,
 * one worker thread runs {@link FolderSync} (judging files, rescans, installs). Events reach us
 * within milliseconds, unlike polling, and are acted on at once. Events that arrive while the
 * worker is busy are collected and handed over together, so a burst becomes one batch install;
 * a lost event (queue overflow) triggers a full rescan, and a periodic rescan catches anything else.
 * A folder moved away or deleted as a whole is no longer watched (its watch would follow it, or
 * ends); each rescan watches the folder again once it is back, whether moved back or made anew,
 * so what lands in it is taken at its event again.
 */
final class WatchedFolder implements AutoCloseable {

    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final Path dir;
    private final FolderLog log;
    private final WatchSettings settings;
    private final Supplier<WriteBatch> batches;
    private final ScheduledExecutorService executor;
    private final FolderSync sync;
    // Files named by events since the worker last took them; the worker drains it in one go.
    private final Queue<Path> changed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean rescanQueued = new AtomicBoolean();
    private final AtomicBoolean pluginLeftQueued = new AtomicBoolean();
    private final AtomicInteger overflows = new AtomicInteger();
    // The kinds of file to act on from now, until the worker takes them; only the newest counts.
    private final AtomicReference<List<FileKind>> newKinds = new AtomicReference<>();
    // Set only by tests: holds the event thread back, as a busy machine would, so events pile up.
    private volatile CountDownLatch eventGate;
    private WatchService watchService;
    // The key of the folder as it is watched now; events of any other key (the folder moved away,
    // or replaced) are dropped. Set on the worker (and in start), read by the event thread, both
    // under watchLock: a key just registered is never taken for an old one.
    private final Object watchLock = new Object();
    private WatchKey watchKey;
    // The file system's key of the folder watched (its inode), to tell a new folder in its place;
    // null if the file system has none. Only the worker (and start) touch it.
    private Object watchedFolder;
    // Whether watching the folder again failed, and was reported; only the worker touches it.
    private boolean watchFailed;
    private Thread watchThread;
    private volatile boolean closed;

    /**
     * @param kinds the kinds of file to act on from the start (jars, and the kinds of the handlers present)
     * @param log where problems and files left alone are reported
     */
    WatchedFolder(Path dir, List<? extends FileKind> kinds, FolderLog log, WatchSettings settings) {
        this(dir, kinds, log, settings, () -> WriteBatch.NONE);
    }

    /**
     * @param batches opens a batch around each turn of the worker, so the changes of a turn (a
     *     thousand jars deleted at once, say) write the installer's record once
     */
    WatchedFolder(Path dir, List<? extends FileKind> kinds, FolderLog log, WatchSettings settings,
            Supplier<WriteBatch> batches) {
        this.batches = batches;
        this.dir = dir;
        this.log = log;
        this.settings = settings;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "plugboard-folder-worker"));
        this.sync = new FolderSync(dir, kinds, log, settings, delay -> run(sync()::checkPending, delay));
    }

    /**
     * Acts on these kinds of file from now on (a handler came or went); returns at once, the
     * worker applies the change in turn with the folder's events. Only the newest call counts.
     */
    void setKinds(List<? extends FileKind> kinds) {
        newKinds.set(List.copyOf(kinds));
        run(this::applyKinds, 0);
    }

    private void applyKinds() {
        List<FileKind> kinds = newKinds.getAndSet(null);
        if (kinds != null) {
            sync.kindsChanged(kinds);
        }
    }

    /**
     * A plugin left (a bundle was uninstalled, or a command uninstalled a file's plugin): the
     * worker judges the files refused on install again, in turn with the folder's events; returns
     * at once. Calls that come while one waits for the worker are one.
     */
    void pluginLeft() {
        if (pluginLeftQueued.compareAndSet(false, true)) {
            run(this::applyPluginLeft, 0);
        }
    }

    private void applyPluginLeft() {
        // Cleared before judging, so a plugin leaving meanwhile queues another turn.
        pluginLeftQueued.set(false);
        sync.pluginLeft();
    }

    /** Scans the folder synchronously (plugins are installed when this returns), then watches it. */
    void start() throws IOException {
        if (settings.watchEvents()) {
            // Register before scanning, so that a jar landing during the scan is not missed.
            watchService = dir.getFileSystem().newWatchService();
            watch();
        }
        try {
            executor.submit(guarded(sync::initialScan, false)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("Scanning the plugins folder " + dir + " failed: " + ThrowableText.describe(e.getCause()),
                    e.getCause());
        }
        if (settings.rescanMillis() > 0) {
            executor.scheduleWithFixedDelay(guarded(this::rescan), settings.rescanMillis(), settings.rescanMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (watchService != null) {
            watchThread = daemon(this::takeEvents, "plugboard-folder-watcher");
            watchThread.start();
        }
    }

    /**
     * A handler installed or refused a file on its own thread, after the worker handed it the
     * install: the worker takes the outcome then (see {@link FolderSync#installedLater}).
     *
     * @param warning why it was refused, or null when it was installed
     */
    void installedLater(Path file, String warning) {
        run(() -> sync.installedLater(file, warning), 0);
    }

    /** Handles a lost-events signal as the WatchService gives it: a full rescan. */
    void overflow() {
        rescanQueued.set(true);
        queueDrain();
    }

    /** How many times the WatchService reported lost events; for tests. */
    int overflows() {
        return overflows.get();
    }

    /** Holds events back until {@link #releaseEvents()}; for tests of the overflow. */
    void holdEvents() {
        eventGate = new CountDownLatch(1);
    }

    /** Lets held events through. */
    void releaseEvents() {
        CountDownLatch gate = eventGate;
        eventGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /**
     * Waits until the worker has done everything queued before this call (installs of files
     * that arrived, a handler's files); false if that takes longer than the timeout.
     */
    boolean awaitQueuedWork(long timeoutMillis) throws InterruptedException {
        if (closed) {
            return true;
        }
        try {
            executor.submit(() -> { }).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Stops both threads, waiting a bounded time for an install in progress to finish, then
     * interrupting it and waiting a bounded time more.
     */
    @Override
    public void close() {
        closed = true;
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                // Closing only ends take(); nothing else to do.
            }
        }
        executor.shutdown();
        try {
            if (watchThread != null) {
                watchThread.join(STOP_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return;
        }
        if (!ExecutorStop.stop(executor, STOP_TIMEOUT_MILLIS)) {
            log.warn("The plugins folder's worker (plugboard-folder-worker) did not end within " + STOP_TIMEOUT_MILLIS
                    + " ms, nor " + ExecutorStop.INTERRUPTED_MILLIS + " ms after it was interrupted; it is left to end"
                    + " on its own");
        }
    }

    /**
     * Watches the folder as it is now (a folder made in place of the one watched is another
     * folder to the file system), and stops watching the one watched before.
     */
    private void watch() throws IOException {
        Object folder = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        synchronized (watchLock) {
            WatchKey key = dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            WatchKey before = watchKey;
            watchKey = key;
            watchedFolder = folder;
            if (before != null && before != key) {
                before.cancel();
            }
        }
    }

    /**
     * On the worker, before a rescan: keeps the events coming from the folder that is there. A
     * folder moved away (its watch goes with it, and would name its files as ours) is no longer
     * watched; a folder back, or made anew (its watch ended when the old one was deleted, or
     * follows the old one), is watched again, so files dropped in it are taken at their events
     * again, not only at the next rescan. The rescan that follows takes what landed meanwhile.
     */
    private void keepWatching() {
        if (watchService == null || closed) {
            return;
        }
        WatchKey key;
        synchronized (watchLock) {
            key = watchKey;
        }
        BasicFileAttributes folder;
        try {
            folder = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (IOException e) {
            folder = null;
        }
        if (folder == null || !folder.isDirectory()) {
            if (key != null) {
                key.cancel();
            }
            return;
        }
        if (key != null && key.isValid() && (watchedFolder == null || watchedFolder.equals(folder.fileKey()))) {
            return;
        }
        try {
            watch();
            watchFailed = false;
        } catch (IOException | ClosedWatchServiceException e) {
            if (!watchFailed && !closed) {
                watchFailed = true;
                log.warn("Cannot watch the plugins folder " + dir + " again (" + e + "); it is only rescanned"
                        + (settings.rescanMillis() > 0 ? " every " + settings.rescanMillis() + " ms" : "")
                        + " until it can be");
            }
        }
    }

    private void rescan() {
        keepWatching();
        sync.rescan();
    }

    private void takeEvents() {
        try {
            while (!closed) {
                WatchKey key = watchService.take();
                CountDownLatch gate = eventGate;
                if (gate != null) {
                    gate.await();
                }
                if (!isWatched(key)) {
                    // A folder no longer watched (moved away, or replaced): its files are not ours.
                    key.cancel();
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        overflows.incrementAndGet();
                        rescanQueued.set(true);
                    } else {
                        changed.add(dir.resolve((Path) event.context()));
                    }
                }
                if (!key.reset()) {
                    // The folder itself was deleted (or is out of reach): a rescan says so at
                    // once, and watches the folder again once it is back.
                    rescanQueued.set(true);
                }
                queueDrain();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // close() was called: end the thread.
        }
    }

    private boolean isWatched(WatchKey key) {
        synchronized (watchLock) {
            return key == watchKey;
        }
    }

    private void queueDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            run(this::drain, 0);
        }
    }

    // On the worker: takes every file named since the last drain, so they are judged together.
    private void drain() {
        // Cleared before taking, so an event added after this point queues another drain.
        drainQueued.set(false);
        if (rescanQueued.getAndSet(false)) {
            changed.clear();
            rescan();
            return;
        }
        Set<Path> files = new LinkedHashSet<>();
        for (Path file; (file = changed.poll()) != null; ) {
            files.add(file);
        }
        if (!files.isEmpty()) {
            sync.filesChanged(files);
        }
    }

    private FolderSync sync() {
        return sync;
    }

    private void run(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: the task is no longer needed.
        }
    }

    private Runnable guarded(Runnable task) {
        return guarded(task, true);
    }

    // An exception must not kill the thread (or silently cancel the periodic rescan); the first
    // scan's is reported by start.
    private Runnable guarded(Runnable task, boolean catching) {
        return () -> {
            if (closed) {
                return;
            }
            try (WriteBatch batch = batches.get()) {
                task.run();
            } catch (RuntimeException e) {
                if (!catching) {
                    throw e;
                }
                log.warn("Handling the plugins folder " + dir + " failed: " + ThrowableText.describe(e), e);
            }
        };
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
