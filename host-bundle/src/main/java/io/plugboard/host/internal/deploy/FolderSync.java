package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Keeps the plugins in step with the files in the plugins folder. Events and rescans mark files
 * as pending; a pending file is judged by its content at once: a complete, valid file is acted
 * on, an incomplete one waits for its next event (its writer is still at work). No fixed delay,
 * and a file still being written (or overwritten in place) is never installed. Only a file that
 * stays invalid and unchanged for {@link WatchSettings#corruptMillis()} is reported, once.
 *
 * <p>Each file goes to its {@link FileKind}: jars to the framework, the files of a handler to the
 * handler. Kinds come and go with their handlers: the files of a kind that arrives are taken as
 * at start-up, those of a kind that leaves are forgotten (so they are installed again when it
 * returns) and wait, with one INFO line, for it.
 *
 * <p>A file found gone in the same judgement as a new file whose plugin is the same (a jar of the
 * same bundle symbolic name: {@link FileCheck#identity}) was renamed, not removed: its kind moves
 * the plugin to the new file ({@link FolderActions#move}), which keeps it running, and updates it
 * only if the new file holds other content. No other plugin serves in between.
 *
 * <p>A file its kind refuses to install (a jar whose bundle is installed already from another
 * file, a descriptor naming a plugin that runs from another) may only conflict with a plugin
 * that is there now: when a plugin leaves, such files are judged again as if they had just
 * landed. A file invalid by its own content is not; it is judged again only when it changes.
 *
 * <p>Not thread-safe: every method runs on the folder's single worker thread.
 *
 * <p>Plain loops rather than lambdas on the way through a start (the first scan, a handler's
 * arrival): the class of each lambda is made at its first use, about 0.3 ms apiece that the
 * class archive cannot spare bundle code, and the first scan holds up the host's start.
 */
final class FolderSync {

    private static final long NONE = Long.MAX_VALUE;

    private final Path dir;
    private final FileKinds kinds;
    private final FolderLog log;
    private final WatchSettings settings;
    private final LongConsumer checkLater;
    // What we know of each file we last installed or updated (or found installed), by its name
    // (the folder is flat): a name takes less memory than a Path, which keeps its string form
    // once asked for it, and a thousand plugins keep a thousand of these.
    private final Map<String, Known> known = new HashMap<>();
    // Each file not installed as it is now (invalid, or refused on install), with what we reported,
    // so we report once per content and reason.
    private final Map<Path, Rejection> rejected = new HashMap<>();
    // Insertion order: jars that land together are installed in the order they landed.
    private final Map<Path, Pending> pending = new LinkedHashMap<>();
    // Files of a kind whose handler is gone, already reported as waiting for it.
    private final Set<Path> waiting = new HashSet<>();
    // The names of entries a user may have meant as plugins that the folder ignores (a hidden
    // plugin file, a subfolder), each reported once while it is there.
    private final Set<String> ignored = new HashSet<>();
    private long nextCheckAt = NONE;
    /** Whether the folder itself was found missing (moved away, deleted) and not back yet. */
    private boolean folderAway;

    /**
     * @param kinds the kinds of file acted on at first
     * @param checkLater asks for {@link #checkPending()} to run after the given number of milliseconds
     */
    FolderSync(Path dir, Collection<? extends FileKind> kinds, FolderLog log, WatchSettings settings,
            LongConsumer checkLater) {
        this.dir = dir;
        this.kinds = new FileKinds(kinds);
        this.log = log;
        this.settings = settings;
        this.checkLater = checkLater;
    }

    /**
     * Brings the plugins in line with the folder before returning: uninstalls those whose file
     * is gone, keeps those still installed from what their file holds (a restart keeps the jars'
     * bundles in the framework cache), installs (for jars: all first, then starts all) every
     * other complete file, and then runs the kept ones. A file that changed while its plugin was
     * kept ({@link FolderActions#removeStale} false) is judged last, once that plugin runs, as a
     * change of the file while watched is: the plugin is updated, or keeps running if the update
     * is refused or the file is not whole.
     */
    void initialScan() {
        Map<FileKind, List<Path>> kept = new LinkedHashMap<>();
        List<Path> changed = new ArrayList<>();
        for (FileKind kind : kinds.all()) {
            kept.put(kind, adopt(kind, changed));
        }
        judge();
        runKept(kept);
        judgeChanged(changed);
        // Last: a user wonders about them, no plugin waits for them.
        noteIgnoredEntries();
    }

    /**
     * Takes the kinds the folder acts on from now on. Files whose kind changed are forgotten;
     * the files of each new kind are taken as at start-up (a plugin installed and unchanged since
     * stays as it is), those of a kind that left wait for it to come back.
     */
    void kindsChanged(Collection<? extends FileKind> now) {
        Set<Path> tracked = knownFiles();
        tracked.addAll(rejected.keySet());
        tracked.addAll(pending.keySet());
        Map<Path, FileKind> before = new HashMap<>();
        for (Path file : tracked) {
            Optional<FileKind> kind = kinds.of(file);
            if (kind.isPresent()) {
                before.put(file, kind.get());
            }
        }
        Set<String> extensionsBefore = new HashSet<>();
        for (FileKind kind : kinds.all()) {
            extensionsBefore.add(kind.extension());
        }

        List<FileKind> added = kinds.replace(now);

        for (Path file : tracked) {
            if (!Objects.equals(before.get(file), kinds.of(file).orElse(null))) {
                forget(file);
            }
        }
        for (Iterator<Path> it = waiting.iterator(); it.hasNext(); ) {
            if (kinds.of(it.next()).isPresent()) {
                it.remove();
            }
        }
        for (Iterator<String> it = extensionsBefore.iterator(); it.hasNext(); ) {
            if (kinds.has(it.next())) {
                it.remove();
            }
        }
        if (!extensionsBefore.isEmpty()) {
            reportWaiting(extensionsBefore);
        }
        Map<FileKind, List<Path>> kept = new LinkedHashMap<>();
        List<Path> changed = new ArrayList<>();
        for (FileKind kind : added) {
            kept.put(kind, adopt(kind, changed));
        }
        judge();
        runKept(kept);
        judgeChanged(changed);
    }

    /** Watch events about files in the folder (added, modified or deleted), in the order they came. */
    void filesChanged(Collection<Path> files) {
        for (Path file : files) {
            if (kinds.of(file).isPresent()) {
                mark(file);
            } else if (kinds.waitingFor(file).isPresent()) {
                noteWaiting(file, kinds.waitingFor(file).get());
            } else {
                noteIgnored(file);
            }
        }
        judge();
    }

    /** Compares the whole folder with what is known and installed; for lost events and safety. */
    void rescan() {
        if (!folderPresent()) {
            return;
        }
        noteIgnoredEntries();
        List<Path> files = candidates();
        for (Path file : files) {
            FileState state = FileState.of(file);
            Rejection rejection = rejected.get(file);
            if (state.equals(knownState(file))) {
                continue;
            }
            if (rejection == null || !state.equals(rejection.state())) {
                mark(file);
            } else if (rejection.recheck()) {
                markUnchanged(file, state);
            }
        }
        Set<Path> gone = knownFiles();
        for (FileKind kind : kinds.all()) {
            gone.addAll(kind.actions().installed().keySet());
        }
        gone.removeAll(new HashSet<>(files));
        gone.forEach(this::mark);
        judge();
    }

    /**
     * A plugin left (its file was deleted, or a command uninstalled it): the files refused on
     * install are judged again, as if they had just landed, since what they conflicted with may
     * be gone. Each is judged once; one refused again stays so (reported again only if the
     * reason changed) until the next plugin leaves or the file changes.
     */
    void pluginLeft() {
        if (markRefused()) {
            judge();
        }
    }

    /** The check asked for through {@code checkLater}: judges the files whose report is due. */
    void checkPending() {
        nextCheckAt = NONE;
        judge();
    }

    /**
     * Takes the files of a kind as they are: uninstalls plugins whose file is gone, keeps those
     * whose plugin still is what the file holds ({@link FolderActions#isCurrent}), and marks
     * every other file to be judged, but for a file whose plugin is kept although the file
     * changed ({@link FolderActions#removeStale} false): that one is added to {@code changed},
     * to be judged once its plugin runs. Returns the files whose plugin is kept.
     */
    private List<Path> adopt(FileKind kind, List<Path> changed) {
        Map<Path, Long> installed = kind.actions().installed();
        for (Path file : installed.keySet()) {
            if (!Files.exists(file)) {
                kind.actions().uninstall(file);
            }
        }
        List<Path> kept = new ArrayList<>();
        for (Path file : candidates(kind)) {
            // The state is read before the content is compared: a write after this point brings an event.
            FileState state = FileState.of(file);
            Long installedModified = installed.get(file);
            if (installedModified != null) {
                // Kept with its fingerprint, as a file installed here is: the same content copied
                // over it later (cp -a, a touch) is then no change, not an update. Read before the
                // content is compared, as the state is: a write after the comparison brings an
                // event and a fingerprint that differs from this one.
                Long fingerprint = kind.fingerprint(file);
                if (kind.actions().isCurrent(file, state, installedModified)) {
                    known.put(name(file), fingerprint == null ? new Known(state) : new Known(state, fingerprint));
                    kept.add(file);
                    continue;
                }
                // Changed while the framework (or the handler) was down: installed afresh if its
                // plugin is removed, else an unknown state makes it an update, judged once the
                // plugin runs, so that it is refused as a live update would be.
                if (!kind.actions().removeStale(file)) {
                    known.put(name(file), new Known(FileState.ABSENT));
                    kept.add(file);
                    changed.add(file);
                    continue;
                }
            }
            mark(file);
        }
        return kept;
    }

    /** Judges the files that changed while their kept plugin was not watched, now that it runs. */
    private void judgeChanged(List<Path> changed) {
        if (changed.isEmpty()) {
            return;
        }
        for (Path file : changed) {
            mark(file);
        }
        judge();
    }

    /** Runs the plugins of the files kept, once the files judged with them are installed. */
    private void runKept(Map<FileKind, List<Path>> kept) {
        for (Map.Entry<FileKind, List<Path>> entry : kept.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                entry.getKey().actions().kept(entry.getValue());
            }
        }
    }

    /**
     * Judges the pending files; when that removed a plugin, judges the files refused on install
     * again (the removed plugin may be what they conflicted with). Ends: a pass removes only
     * plugins of files found gone, each once, and a refused file has no plugin to remove.
     */
    private void judge() {
        boolean removed = judgePending();
        while (removed && markRefused()) {
            removed = judgePending();
        }
    }

    /**
     * Judges every pending file that changed (or whose report is due) and acts on it: uninstalls
     * what is gone, updates what changed, and installs all new files of each kind in one batch.
     * Returns whether it uninstalled a plugin.
     */
    private boolean judgePending() {
        boolean removed = false;
        if (!folderPresent()) {
            return false; // the files stay marked, and are judged when the folder is back
        }
        long now = System.nanoTime();
        long again = NONE;
        // Insertion order: kinds and files in the order they landed.
        Map<FileKind, List<Path>> toInstall = new LinkedHashMap<>();
        // What the new files' plugins are, and the installed files found gone: a gone file whose
        // plugin is that of a new one was renamed (mv, or rm then cp at once), not removed.
        Map<Path, String> identities = new HashMap<>();
        List<Gone> gone = new ArrayList<>();
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
            Optional<FileKind> kind = kinds.of(file);
            if (current.isAbsent()) {
                boolean installed = kind.isPresent()
                        && (known.containsKey(name(file)) || kind.get().actions().installed().containsKey(file));
                if (installed && kind.get().isDescriptor() && settings.goneMillis() > 0) {
                    // Maybe an editor's save, which moves the file away and writes it anew: its
                    // plugin is uninstalled only if the file stays gone (else it is updated, or
                    // kept if the content is the same), so no call goes to another plugin meanwhile.
                    if (p.state == null || !p.state.isAbsent()) {
                        p.state = current;
                        p.reportAt = now + TimeUnit.MILLISECONDS.toNanos(settings.goneMillis());
                    }
                    if (now - p.reportAt < 0) {
                        again = Math.min(again, millisUntil(p.reportAt, now));
                        continue;
                    }
                }
                it.remove();
                rejected.remove(file);
                waiting.remove(file);
                boolean wasKnown = known.remove(name(file)) != null;
                if (kind.isPresent() && (wasKnown || kind.get().actions().installed().containsKey(file))) {
                    // Uninstalled after the loop, unless a new file of this batch is its plugin renamed.
                    gone.add(new Gone(kind.get(), file));
                }
                continue;
            }
            if (kind.isEmpty() || current.equals(knownState(file))) {
                it.remove();
                continue;
            }
            FileCheck check = kind.get().check(file);
            if (!check.isValid()) {
                if (!current.equals(p.state)) {
                    // Changed since last judged: its writer may still be at work, so give it time.
                    p.state = current;
                    p.reportAt = now + TimeUnit.MILLISECONDS.toNanos(settings.corruptMillis());
                }
                if (now - p.reportAt < 0) {
                    again = Math.min(again, millisUntil(p.reportAt, now));
                } else {
                    it.remove();
                    // A problem past the file (its program not there yet) is looked at again at each rescan.
                    reject(file, new Rejection(current,
                            "Not installing " + file.getFileName() + " from the plugins folder: " + check.problem(), false,
                            kind.get().isDescriptor()));
                }
                continue;
            }
            it.remove();
            Known before = known.put(name(file), new Known(current, check.fingerprint()));
            boolean update = before != null;
            if (update && before.fingerprinted() && before.fingerprint() == check.fingerprint()) {
                // Same content, new time stamp (touch, cp -p): nothing to install.
                rejected.remove(file);
                continue;
            }
            if (update) {
                rejected.remove(file);
                kind.get().actions().update(file);
            } else {
                // Still rejected until installed: a refusal is compared with the last one.
                List<Path> files = toInstall.get(kind.get());
                if (files == null) {
                    files = new ArrayList<>();
                    toInstall.put(kind.get(), files);
                }
                files.add(file);
                if (check.identity() != null) {
                    identities.put(file, check.identity());
                }
            }
        }
        for (Gone g : gone) {
            if (!moved(g, toInstall, identities)) {
                g.kind().actions().uninstall(g.file());
                removed = true;
            }
        }
        for (Map.Entry<FileKind, List<Path>> entry : toInstall.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue; // its only new files were renamed ones
            }
            Map<Path, String> refused = entry.getKey().actions().install(entry.getValue());
            if (refused == null) {
                continue; // each outcome comes through installedLater
            }
            for (Path file : entry.getValue()) {
                String warning = refused.get(file);
                if (warning == null) {
                    rejected.remove(file);
                } else {
                    // Not installed: unknown again, so it is installed (not updated) when judged next.
                    Known tried = known.remove(name(file));
                    reject(file, new Rejection(tried.state(), warning, true, false));
                }
            }
        }
        if (again != NONE) {
            checkIn(again);
        }
        return removed;
    }

    /**
     * Takes a file found gone as renamed to a new file of the batch whose plugin is the same (the
     * first such, in the order they landed), if its kind can move its plugin to the new file: the
     * plugin keeps running, with its id, its state and its callers, and is updated only if the
     * new file holds other content. Returns false if there is no such file, or the kind cannot.
     */
    private boolean moved(Gone g, Map<FileKind, List<Path>> toInstall, Map<Path, String> identities) {
        Optional<String> identity = g.kind().actions().identityOf(g.file());
        if (identity.isEmpty()) {
            return false;
        }
        List<Path> files = toInstall.get(g.kind());
        if (files == null) {
            files = new ArrayList<>();
            toInstall.put(g.kind(), files);
        }
        if (!identities.containsValue(identity.get())) {
            takeUnseen(g.kind(), files, identities);
        }
        for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
            Path to = it.next();
            if (!identity.get().equals(identities.get(to)) || !g.kind().actions().move(g.file(), to)) {
                continue;
            }
            it.remove();
            rejected.remove(to);
            FileState state = knownState(to);
            if (g.kind().actions().isCurrent(to, state, state.modifiedMillis())) {
                log.info(g.file().getFileName() + " was renamed to " + to.getFileName()
                        + " in the plugins folder: its plugin runs on as it is");
            } else {
                log.info(g.file().getFileName() + " was renamed to " + to.getFileName()
                        + " in the plugins folder, with other content: its plugin is updated from it");
                g.kind().actions().update(to);
            }
            return true;
        }
        return false;
    }

    /**
     * Adds to the new files of the kind those in the folder whose event has not been judged yet.
     * A rename is atomic, so the new name is there as soon as the old one is gone, but the watch
     * service may report the two in different batches: without this look, a file found gone
     * before its new name is reported would be uninstalled, and the new one installed afresh.
     * Only valid, complete files are taken (as when judged on their event, which then finds them known).
     */
    private void takeUnseen(FileKind kind, List<Path> files, Map<Path, String> identities) {
        for (Path file : candidates(kind)) {
            if (known.containsKey(name(file)) || files.contains(file)) {
                continue;
            }
            FileState state = FileState.of(file);
            Rejection rejection = rejected.get(file);
            if (rejection != null && rejection.state().equals(state)) {
                continue;
            }
            FileCheck check = kind.check(file);
            if (!check.isValid()) {
                continue; // still being written, or invalid: its own events judge it
            }
            known.put(name(file), new Known(state, check.fingerprint()));
            pending.remove(file);
            files.add(file);
            if (check.identity() != null) {
                identities.put(file, check.identity());
            }
        }
    }

    /** An installed file found gone, with its kind. */
    private record Gone(FileKind kind, Path file) {
    }

    /**
     * The outcome of an install handed to another thread (a handler works on one of its own): as
     * if the kind had answered at once. Taken, the file's earlier refusal is forgotten; refused,
     * the refusal is kept when the file is still what was handed over (if it changed since, its
     * new content is on its way, and the refusal of the old is only logged).
     *
     * @param warning why the file was refused, or null when it was installed
     */
    void installedLater(Path file, String warning) {
        if (warning == null) {
            rejected.remove(file);
            return;
        }
        Known tried = known.get(name(file));
        if (tried == null || !tried.state().equals(FileState.of(file))) {
            log.warn(warning);
            return;
        }
        known.remove(name(file));
        reject(file, new Rejection(tried.state(), warning, true, false));
    }

    /** Records why the file is not installed; logs it unless it was so, for the same reason, already. */
    private void reject(Path file, Rejection rejection) {
        if (!rejection.equals(rejected.put(file, rejection))) {
            log.warn(rejection.warning());
        }
    }

    /** Marks the files refused on install to be judged again; false if there are none. */
    private boolean markRefused() {
        boolean marked = false;
        for (Map.Entry<Path, Rejection> entry : rejected.entrySet()) {
            if (entry.getValue().onInstall()) {
                mark(entry.getKey());
                marked = true;
            }
        }
        return marked;
    }

    private void mark(Path file) {
        pendingOf(file).changed = true;
    }

    /**
     * Marks a refused file that has not changed itself, checked again for what it names: no
     * writer is at work on it, so if still invalid it is refused at once (and not reported
     * again), without the wait given to a file that may still be being written.
     */
    private void markUnchanged(Path file, FileState state) {
        Pending p = pendingOf(file);
        p.changed = true;
        p.state = state;
        p.reportAt = System.nanoTime();
    }

    private Pending pendingOf(Path file) {
        Pending p = pending.get(file);
        if (p == null) {
            p = new Pending();
            pending.put(file, p);
        }
        return p;
    }

    /** Drops all we know of the file, so it is judged afresh. */
    private void forget(Path file) {
        known.remove(name(file));
        rejected.remove(file);
        pending.remove(file);
    }

    /** One INFO line per file that waits for the handler of its kind, until it is deleted or the handler returns. */
    private void noteWaiting(Path file, String extension) {
        if (!Files.isRegularFile(file)) {
            waiting.remove(file);
        } else if (waiting.add(file)) {
            log.info(file.getFileName() + " in the plugins folder waits for a handler of *" + extension
                    + " files; none is installed now");
        }
    }

    /**
     * Looks for the entries a user may have meant as plugins that the folder ignores (see
     * {@link #whyIgnored}), reports each new one, and forgets those gone, so one that comes back
     * is reported again. A folder named as a plugin file is noted by the listing of candidates,
     * which asks the file system about such names anyway.
     */
    private void noteIgnoredEntries() {
        Set<String> present = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                String name = name(entry);
                boolean named = kinds.of(entry).isPresent() || kinds.waitingFor(entry).isPresent();
                // Named as a plugin file, it is asked about only if it was a folder (old.jar/).
                if ((!named || ignored.contains(name)) && noteIgnored(entry)) {
                    present.add(name);
                }
            }
        } catch (IOException e) {
            return; // the listing of candidates reports it
        }
        ignored.retainAll(present);
    }

    /**
     * Reports the entry, once while it is there, if a user may have meant it as a plugin but the
     * folder ignores it; returns whether it is such an entry.
     */
    private boolean noteIgnored(Path entry) {
        String name = name(entry);
        String why = whyIgnored(entry, name);
        if (why == null) {
            ignored.remove(name);
            return false;
        }
        if (ignored.add(name)) {
            log.info(why);
        }
        return true;
    }

    /**
     * Why the folder ignores an entry a user may have meant as a plugin: a hidden file named as
     * one ({@code .foo.jar}), or a subfolder; null for any other entry. A name is looked at before
     * the file system is asked, so most entries cost no system call.
     */
    private String whyIgnored(Path entry, String name) {
        if (name.startsWith(".")) {
            // A hidden folder (.git), or a hidden file of no plugin kind, is hidden on purpose.
            Optional<String> extension = kinds.hiddenExtension(name);
            return extension.isPresent() && Files.isRegularFile(entry) ? name + " in the plugins folder is ignored:"
                    + " hidden files are, because editors and copy tools write their temporary files so; rename it"
                    + " to " + name.substring(1) + " to install it" : null;
        }
        return Files.isDirectory(entry) ? name + "/ in the plugins folder is ignored: subfolders are not scanned"
                + " (only the folder's own files are plugins; a subfolder may hold the programs descriptors name)"
                : null;
    }

    /** One INFO line per kind whose handler left, naming the files that wait for it. */
    private void reportWaiting(Set<String> extensions) {
        Map<String, Set<String>> byExtension = new HashMap<>();
        for (Path file : list(file -> kinds.waitingFor(file).filter(extensions::contains).isPresent())) {
            kinds.waitingFor(file).ifPresent(extension -> {
                waiting.add(file);
                byExtension.computeIfAbsent(extension, e -> new TreeSet<>()).add(file.getFileName().toString());
            });
        }
        byExtension.forEach((extension, names) -> log.info("The handler of *" + extension + " files is gone; "
                + String.join(", ", names) + " in the plugins folder wait" + (names.size() == 1 ? "s" : "")
                + " for one"));
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

    /** The folder's regular files of any kind acted on now, sorted. */
    private List<Path> candidates() {
        return list(null, null);
    }

    /** The folder's regular files of the kind, sorted. */
    private List<Path> candidates(FileKind kind) {
        return list(kind, null);
    }

    /** The folder's regular files whose name is wanted, sorted. */
    private List<Path> list(Predicate<Path> wanted) {
        return list(null, wanted);
    }

    /**
     * The folder's regular files, sorted: those of {@code kind}, else those {@code wanted} accepts,
     * else those of any kind.
     */
    private List<Path> list(FileKind kind, Predicate<Path> wanted) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                // The name first: it costs no system call.
                boolean named = wanted != null ? wanted.test(file)
                        : kind != null ? kind.equals(kinds.of(file).orElse(null)) : kinds.of(file).isPresent();
                if (named && Files.isRegularFile(file)) {
                    files.add(file);
                } else if (named && kind == null && wanted == null) {
                    noteIgnored(file); // a folder named as a plugin file (old.jar/)
                }
            }
        } catch (IOException e) {
            // NoSuchFileException and its kin carry only the path as their message.
            log.warn("Cannot list the plugins folder " + dir + ": " + (e instanceof NoSuchFileException ? "it does not exist"
                    : e instanceof AccessDeniedException ? "permission denied" : e.toString()));
        }
        files.sort(null);
        return files;
    }

    /**
     * Whether the folder is there. A folder moved away or deleted as a whole is not every plugin
     * deleted one by one: uninstalling them all would also throw away the state stateful plugins
     * keep in memory. So while it is gone nothing is installed or uninstalled; said once, and once
     * more when it is back (its files are then taken as they are, at the next rescan).
     */
    private boolean folderPresent() {
        if (Files.isDirectory(dir)) {
            if (folderAway) {
                folderAway = false;
                log.info("The plugins folder " + dir + " is back: its files are followed again");
            }
            return true;
        }
        if (!folderAway) {
            folderAway = true;
            log.warn("The plugins folder " + dir + " is gone (moved or deleted?): its plugins keep running as they"
                    + " are, and none is uninstalled until the folder is back");
        }
        return false;
    }

    /** The state the file had when we last installed it (or found it installed), or null. */
    private FileState knownState(Path file) {
        Known entry = known.get(name(file));
        return entry == null ? null : entry.state();
    }

    /** The files we know, as paths. */
    private Set<Path> knownFiles() {
        Set<Path> files = new HashSet<>();
        known.keySet().forEach(name -> files.add(dir.resolve(name)));
        return files;
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    /**
     * What we know of a file: the state it had when we last installed or updated it (or found it
     * installed) and, if we know it, the fingerprint of the content we installed from it.
     */
    private record Known(FileState state, long fingerprint, boolean fingerprinted) {

        Known(FileState state) {
            this(state, 0, false);
        }

        Known(FileState state, long fingerprint) {
            this(state, fingerprint, true);
        }
    }

    /**
     * Why a file is not installed as it is now: the state it had and the warning we logged;
     * {@code onInstall} when its kind refused it (it may fit once a plugin leaves), else it is
     * invalid by its own content; {@code recheck} when its check looked past the file (it may be
     * valid once what it names is there), so each rescan checks it again.
     */
    private record Rejection(FileState state, String warning, boolean onInstall, boolean recheck) {

        // Written out, as FileState's: no invokedynamic bootstrap on the way through a first scan.
        @Override
        public boolean equals(Object o) {
            return o instanceof Rejection other && state.equals(other.state) && warning.equals(other.warning)
                    && onInstall == other.onInstall && recheck == other.recheck;
        }

        @Override
        public int hashCode() {
            return (state.hashCode() * 31 + warning.hashCode()) * 31 + Boolean.hashCode(onInstall);
        }

        @Override
        public String toString() {
            return "Rejection[state=" + state + ", warning=" + warning + ", onInstall=" + onInstall + ", recheck="
                    + recheck + "]";
        }
    }

    /** A file to judge: changed since last judged, or invalid and waiting to be reported. */
    private static final class Pending {
        boolean changed;
        // The state it had when last found invalid (or gone), and when to report (or uninstall) it if it stays so.
        FileState state;
        long reportAt;
    }
}
