package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the watched folder asks of whatever runs the plugins of one kind of file (the framework
 * for jars, a handler for other kinds). Implementations report their own failures (they do not
 * throw), so one bad file never stops the folder from handling the others.
 */
interface FolderActions {

    /** The folder's files whose plugin is installed, each with the time (ms) it was last installed or updated. */
    Map<Path, Long> installed();

    /**
     * Whether the plugin installed from the file still is what the file holds now ({@code state},
     * {@code installedMillis} as {@link #installed()} gave it), so a restart can keep it as it is.
     */
    boolean isCurrent(Path file, FileState state, long installedMillis);

    /**
     * Called, before the file is judged, for a plugin that is not what its file holds (it changed
     * while the folder was not watched): true if it removed the plugin, so the file is installed
     * as a new one; false to keep the plugin: it runs with the kept ones (see {@link #kept}), and
     * then the file is judged as if it had just changed (updated from, refused, or left to wait
     * until it is whole, as when it changes while watched).
     */
    boolean removeStale(Path file);

    /**
     * Runs the plugins of files kept as they were (see {@link #isCurrent}) or kept to be updated
     * from their changed file (see {@link #removeStale}), once the folder has taken every other
     * file: a restart keeps bundles in the framework cache, but stopped.
     */
    void kept(List<Path> files);

    /**
     * Installs the plugins of all the files (for jars: installs all, then starts them all).
     * Returns the files it refused, each with the warning that says why, unlogged: the folder
     * logs it once per content and reason, and judges the file again when a plugin leaves (the
     * refusal may have been a conflict with it). Returns null when the installs were handed to
     * another thread, which tells each file's outcome later ({@link FolderSync#installedLater}).
     */
    Map<Path, String> install(List<Path> files);

    /** Replaces the plugin installed from the file (installs it if there is none). */
    void update(Path file);

    /** Removes the plugin installed from the file, if any. */
    void uninstall(Path file);

    /**
     * What the plugin installed from the file is, whatever the file's name (for jars: the bundle's
     * symbolic name), as {@link FileCheck#identity} says it of a file; empty if none is installed
     * or the kind cannot tell. The folder compares the two to know a renamed file.
     */
    default Optional<String> identityOf(Path file) {
        return Optional.empty();
    }

    /**
     * The file {@code from} was renamed to {@code to} (or deleted and the same plugin put back
     * under another name at once): the plugin installed from {@code from} is from now on the
     * plugin of {@code to}, also across restarts, and keeps running as it is; the folder then
     * updates it if {@code to} holds other content ({@link #isCurrent}). Returns false when the
     * kind cannot do that: the folder then uninstalls the one and installs the other.
     */
    default boolean move(Path from, Path to) {
        return false;
    }
}
