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

    /**
     * Whether {@link #check} looks past the file (a descriptor names a program, which may be
     * missing or not executable yet): a file it found invalid is then checked again at every
     * rescan, not only when the file itself changes. False for jars, judged by their content alone.
     */
    default boolean checkLooksPastTheFile() {
        return false;
    }

    /**
     * Whether people edit this kind's files by hand (a go-plugin descriptor): an editor's save
     * moves the file away and writes it anew, so its plugin is uninstalled only once the file has
     * stayed gone a moment ({@link WatchSettings#goneMillis}). False for jars, which are built and
     * dropped in, and whose removal takes effect at once.
     */
    default boolean editedByHand() {
        return false;
    }

    /** What installs, updates and uninstalls the plugins of this kind's files. */
    FolderActions actions();
}
