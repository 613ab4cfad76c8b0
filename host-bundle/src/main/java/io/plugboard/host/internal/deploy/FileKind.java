package io.plugboard.host.internal.deploy;

import java.nio.file.Path;

/**
 * One kind of file the plugins folder acts on, named by its extension: how a file of the kind is
 * judged, and what installs, replaces and removes its plugin. Jars are one kind; each
 * {@link io.plugboard.api.deploy.PluginFileHandler} adds another.
 */
interface FileKind {

    /** The extension, lower case, with its dot: {@code .jar}. */
    String extension();

    /**
     * Judges the file by its content as it is now, cheaply and without starting anything:
     * complete and valid, or why not. Never throws.
     */
    FileCheck check(Path file);

    /** What installs, updates and uninstalls the plugins of this kind's files. */
    FolderActions actions();
}
