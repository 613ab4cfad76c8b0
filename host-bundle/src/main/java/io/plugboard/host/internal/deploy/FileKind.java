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
     * The fingerprint {@link #check} gives the file's content if it is valid, as cheaply as the
     * kind can tell it; null if it cannot tell now. Asked of a file whose plugin a restart keeps
     * because it still is what the file holds: the folder keeps it, so that the same content
     * written anew later ({@code cp -a} of the folder, a {@code touch}) is no change, as it is
     * for a file the folder installed itself.
     */
    default Long fingerprint(Path file) {
        FileCheck check = check(file);
        return check.isValid() ? check.fingerprint() : null;
    }

    /**
     * Whether this kind's files are descriptors (a handler's, such as a go-plugin's): small text
     * files people edit by hand, which name other files (a program). Two things follow, neither
     * for jars, which are built and dropped in and judged by their content alone:
     * <ul>
     * <li>an editor's save moves the file away and writes it anew, so its plugin is uninstalled
     * only once the file has stayed gone a moment ({@link WatchSettings#goneMillis});
     * <li>what {@link #check} refused may be valid once what the file names is there (the
     * program dropped in later, or made executable), so a refused file is checked again at
     * every rescan, not only when it changes.
     * </ul>
     */
    default boolean isDescriptor() {
        return false;
    }

    /** What installs, updates and uninstalls the plugins of this kind's files. */
    FolderActions actions();
}
