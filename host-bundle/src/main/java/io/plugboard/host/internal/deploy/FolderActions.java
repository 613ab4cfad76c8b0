package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the watched folder asks of whatever runs the plugins of one kind of file (the framework
 * for jars, a handler for other kinds). Implementations report their own failures (they do not
 * throw), so one bad file never stops the folder from handling the others.
 */
interface FolderActions {

    /** The folder's files whose plugin is installed, each with the time (ms) it was last installed or updated. */
    Map<Path, Long> installed();

    /** Installs the plugins of all the files (for jars: installs all, then starts them all). */
    void install(List<Path> files);

    /** Replaces the plugin installed from the file (installs it if there is none). */
    void update(Path file);

    /** Removes the plugin installed from the file, if any. */
    void uninstall(Path file);
}
