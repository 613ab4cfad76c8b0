package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Keeps the bundles in step with the files in the plugins folder. Events and rescans mark files
 * as pending; a pending file is judged by its content at once: a complete, valid jar is acted
 * on, an incomplete one waits for its next event (its writer is still at work). No fixed delay,
 * and a jar still being written (or overwritten in place) is never installed. Only a file that
 * stays invalid and unchanged for {@link WatchSettings#corruptMillis()} is reported, once.
 *
 * <p>Not thread-safe: every method runs on the folder's single worker thread.
 */
final class FolderSync {

    private static final long NONE = Long.MAX_VALUE;

    private final Path dir;
    private final FolderActions actions;
    private final WatchSettings settings;
    private final LongConsumer checkLater;
    // The state each file had when we last installed or updated it (or found it installed).
    private final Map<Path, FileState> known = new HashMap<>();
    // The content fingerprint we last installed from each file, when we know it.
    private final Map<Path, Long> contents = new HashMap<>();
    // The state each invalid file had when we reported it, so we report once per content.
    private final Map<Path, FileState> rejected = new HashMap<>();
    // Insertion order: jars that land together are installed in the order they landed.
    private final Map<Path, Pending> pending = new LinkedHashMap<>();
    private long nextCheckAt = NONE;

    /**
     * @param checkLater asks for {@link #checkPending()} to run after the given number of milliseconds
     */
    FolderSync(Path dir, FolderActions actions, WatchSettings settings, LongConsumer checkLater) {
        this.dir = dir;
        this.actions = actions;
        this.settings = settings;
        this.checkLater = checkLater;
    }

    /**
     * Brings the bundles in line with the folder before returning: uninstalls bundles whose file
     * is gone, then installs (all first, then starts all) or updates every complete jar.
     */
    void initialScan() {
        Map<Path, Long> installed = actions.installed();
        for (Path file : installed.keySet()) {
            if (!Files.exists(file)) {
                actions.uninstall(file);
            }
        }
        for (Path file : candidates()) {
            FileState state = FileState.of(file);
            Long bundleModified = installed.get(file);
            if (bundleModified != null) {
                if (state.modifiedMillis() <= bundleModified) {
                    known.put(file, state);
                    continue;
                }
                // Changed while the framework was down: an unknown state makes it an update.
                known.put(file, FileState.ABSENT);
            }
            mark(file);
        }
        judge();
    }

    /** Watch events about files in the folder (added, modified or deleted), in the order they came. */
    void filesChanged(Collection<Path> files) {
        for (Path file : files) {
            if (PluginFileType.of(file.getFileName().toString()).isPresent()) {
                mark(file);
            }
        }
        judge();
    }

    /** Compares the whole folder with what is known and installed; for lost events and safety. */
    void rescan() {
        List<Path> files = candidates();
        for (Path file : files) {
            FileState state = FileState.of(file);
            if (!state.equals(known.get(file)) && !state.equals(rejected.get(file))) {
                mark(file);
            }
        }
        Set<Path> gone = new HashSet<>(known.keySet());
        gone.addAll(actions.installed().keySet());
        gone.removeAll(new HashSet<>(files));
        gone.forEach(this::mark);
        judge();
    }

    /** The check asked for through {@code checkLater}: judges the files whose report is due. */
    void checkPending() {
        nextCheckAt = NONE;
        judge();
    }

    /**
     * Judges every pending file that changed (or whose report is due) and acts on it: uninstalls
     * what is gone, updates what changed, and installs all new jars in one batch.
     */
    private void judge() {
        long now = System.nanoTime();
        long again = NONE;
        List<Path> toInstall = new ArrayList<>();
        for (Iterator<Map.Entry<Path, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Pending> entry = it.next();
            Path file = entry.getKey();
            Pending p = entry.getValue();
            if (!p.changed && now - p.reportAt < 0) {
                again = Math.min(again, millisUntil(p.reportAt, now));
                continue;
            }
            p.changed = false;
            // The state is read before the content is judged: a write after this point changes
            // the state again, so it brings a new event and a new judgement.
            FileState current = FileState.of(file);
            if (current.isAbsent()) {
                it.remove();
                rejected.remove(file);
                contents.remove(file);
                if (known.remove(file) != null || actions.installed().containsKey(file)) {
                    actions.uninstall(file);
                }
                continue;
            }
            if (current.equals(known.get(file))) {
                it.remove();
                continue;
            }
            Optional<PluginFileType> type = PluginFileType.of(file.getFileName().toString());
            if (type.isEmpty()) {
                it.remove();
                continue;
            }
            PluginFileType.Check check = type.get().check(file);
            if (!check.valid()) {
                if (!current.equals(p.state)) {
                    // Changed since last judged: its writer may still be at work, so give it time.
                    p.state = current;
                    p.reportAt = now + TimeUnit.MILLISECONDS.toNanos(settings.corruptMillis());
                }
                if (now - p.reportAt < 0) {
                    again = Math.min(again, millisUntil(p.reportAt, now));
                } else {
                    it.remove();
                    if (!current.equals(rejected.put(file, current))) {
                        actions.warn("Not installing " + file.getFileName() + " from the plugins folder: " + check.problem());
                    }
                }
                continue;
            }
            it.remove();
            rejected.remove(file);
            boolean update = known.containsKey(file);
            known.put(file, current);
            Long before = contents.put(file, check.fingerprint());
            if (update && before != null && before == check.fingerprint()) {
                // Same content, new time stamp (touch, cp -p): nothing to install.
                continue;
            }
            if (update) {
                actions.update(file);
            } else {
                toInstall.add(file);
            }
        }
        if (!toInstall.isEmpty()) {
            actions.install(toInstall);
        }
        if (again != NONE) {
            checkIn(again);
        }
    }

    private void mark(Path file) {
        pending.computeIfAbsent(file, f -> new Pending()).changed = true;
    }

    // One scheduled check at a time: an earlier check reschedules itself for what is left.
    private void checkIn(long millis) {
        long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (nextCheckAt != NONE && nextCheckAt - at <= 0) {
            return;
        }
        nextCheckAt = at;
        checkLater.accept(millis);
    }

    private static long millisUntil(long nanoTime, long now) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanoTime - now) + 1);
    }

    private List<Path> candidates() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (PluginFileType.of(file.getFileName().toString()).isPresent() && Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            actions.warn("Cannot list the plugins folder " + dir + ": " + e.getMessage());
        }
        files.sort(null);
        return files;
    }

    /** A file to judge: changed since last judged, or invalid and waiting to be reported. */
    private static final class Pending {
        boolean changed;
        // The state it had when last found invalid, and when to report it if it stays so.
        FileState state;
        long reportAt;
    }
}
