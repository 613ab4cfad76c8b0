package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the watched folder asks of the framework. Implementations report their own failures
 * (they do not throw), so one bad jar never stops the folder from handling the others.
 */
interface FolderActions {

    /** The folder's files that are installed as bundles, each with the time (ms) it was last installed or updated. */
    Map<Path, Long> installed();

    /** Installs all the files, then starts them all. */
    void install(List<Path> files);

    /** Updates the bundle installed from the file (installs it if there is none) and refreshes. */
    void update(Path file);

    /** Uninstalls the bundle installed from the file, if any, and refreshes. */
    void uninstall(Path file);

    /** Reports a problem a user should see, such as a jar that is not valid. */
    void warn(String message);
}
