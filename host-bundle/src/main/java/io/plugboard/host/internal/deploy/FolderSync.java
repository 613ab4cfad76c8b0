package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Keeps the bundles in step with the files in the plugins folder. Events and rescans only mark
 * files as pending; a file is acted on once its state has stayed the same for the settle time
 * and it is valid, so a jar still being written (or overwritten in place) is never installed.
 *
 * <p>Not thread-safe: every method runs on the folder's single settle thread.
 */
final class FolderSync {

    private static final long NONE = Long.MAX_VALUE;

    private final Path dir;
    private final FolderActions actions;
    private final WatchSettings settings;
    private final LongConsumer checkLater;
    // The state each file had when we last installed or updated it.
    private final Map<Path, FileState> known = new HashMap<>();
    // The state each invalid file had when we warned about it, so we warn once per content.
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
            observe(file, state);
        }
        if (!pending.isEmpty()) {
            sleep(settings.settleMillis());
            checkPending();
        }
    }

    /** A watch event about one file in the folder: added, modified or deleted. */
    void fileChanged(Path file) {
        if (PluginFileType.of(file.getFileName().toString()).isPresent()) {
            observe(file, FileState.of(file));
            checkIn(settings.settleMillis());
        }
    }

    /** Compares the whole folder with what is known and installed; for lost events and safety. */
    void rescan() {
        List<Path> files = candidates();
        for (Path file : files) {
            FileState state = FileState.of(file);
            if (!state.equals(known.get(file)) && !state.equals(rejected.get(file))) {
                observe(file, state);
            }
        }
        Set<Path> gone = new HashSet<>(known.keySet());
        gone.addAll(actions.installed().keySet());
        gone.removeAll(new HashSet<>(files));
        gone.forEach(file -> observe(file, FileState.ABSENT));
        if (!pending.isEmpty()) {
            checkIn(settings.settleMillis());
        }
    }

    /** Acts on every pending file that has settled; asks to be called again for the others. */
    void checkPending() {
        nextCheckAt = NONE;
        long now = System.nanoTime();
        long again = NONE;
        List<Path> toInstall = new ArrayList<>();
        for (Iterator<Map.Entry<Path, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Pending> entry = it.next();
            Path file = entry.getKey();
            Pending p = entry.getValue();
            FileState current = FileState.of(file);
            if (!current.equals(p.state)) {
                p.state = current;
                p.since = now;
                again = Math.min(again, settings.settleMillis());
                continue;
            }
            long stableMillis = TimeUnit.NANOSECONDS.toMillis(now - p.since);
            if (stableMillis < settings.settleMillis()) {
                again = Math.min(again, settings.settleMillis() - stableMillis);
                continue;
            }
            if (current.isAbsent()) {
                it.remove();
                rejected.remove(file);
                if (known.remove(file) != null || actions.installed().containsKey(file)) {
                    actions.uninstall(file);
                }
                continue;
            }
            if (current.equals(known.get(file))) {
                it.remove();
                continue;
            }
            Optional<String> problem = PluginFileType.of(file.getFileName().toString())
                    .flatMap(type -> type.problem(file));
            if (problem.isPresent()) {
                if (stableMillis < settings.invalidGraceMillis()) {
                    again = Math.min(again, settings.invalidGraceMillis() - stableMillis);
                } else {
                    it.remove();
                    if (!current.equals(rejected.put(file, current))) {
                        actions.warn("Not installing " + file.getFileName() + " from the plugins folder: " + problem.get());
                    }
                }
                continue;
            }
            it.remove();
            rejected.remove(file);
            boolean update = known.containsKey(file);
            known.put(file, current);
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

    private void observe(Path file, FileState state) {
        Pending p = pending.get(file);
        if (p == null) {
            pending.put(file, new Pending(state, System.nanoTime()));
        } else if (!p.state.equals(state)) {
            p.state = state;
            p.since = System.nanoTime();
        }
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Pending {
        FileState state;
        long since;

        Pending(FileState state, long since) {
            this.state = state;
            this.since = since;
        }
    }
}
