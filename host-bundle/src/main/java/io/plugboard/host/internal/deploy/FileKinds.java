package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kinds of file the folder acts on now, by extension, and the extensions it acted on before
 * (a handler that is gone may come back). A file takes the kind of the longest extension its
 * name ends with; hidden files and the names copy tools and editors use while writing are never
 * plugins. Not thread-safe: used on the folder's worker thread only.
 */
final class FileKinds {

    private final Map<String, FileKind> byExtension = new LinkedHashMap<>();
    private final Set<String> declared = new TreeSet<>();

    FileKinds(Collection<? extends FileKind> kinds) {
        replace(kinds);
    }

    /** The kind of the file, or empty if the folder ignores it now. */
    Optional<FileKind> of(Path file) {
        // No Optional.map: a lambda's class is made at its first use, in the host's start.
        Optional<String> extension = longestMatch(file, byExtension.keySet());
        return extension.isPresent() ? Optional.of(byExtension.get(extension.get())) : Optional.empty();
    }

    /**
     * The extension of a file no kind takes now but one took before (its handler is gone), such
     * as {@code .goplugin}; empty for every other file.
     */
    Optional<String> waitingFor(Path file) {
        if (of(file).isPresent()) {
            return Optional.empty();
        }
        return longestMatch(file, declared);
    }

    /**
     * The extension a hidden file would be taken for without its leading dot ({@code .foo.jar}:
     * {@code .jar}), among the kinds present now and those that were; empty for every other name,
     * a hidden temporary one ({@code .foo.jar.part}) too.
     */
    Optional<String> hiddenExtension(String fileName) {
        if (!fileName.startsWith(".")) {
            return Optional.empty();
        }
        String shown = fileName.substring(1);
        Optional<String> extension = longestMatch(shown, byExtension.keySet());
        return extension.isPresent() ? extension : longestMatch(shown, declared);
    }

    /** Every kind the folder acts on now. */
    Collection<FileKind> all() {
        return List.copyOf(byExtension.values());
    }

    /** Whether a kind for the extension is present now. */
    boolean has(String extension) {
        return byExtension.containsKey(extension);
    }

    /**
     * Makes these the kinds the folder acts on; a kind equal to one present stays as it was.
     *
     * @return the kinds that are new
     */
    List<FileKind> replace(Collection<? extends FileKind> kinds) {
        Map<String, FileKind> before = new LinkedHashMap<>(byExtension);
        byExtension.clear();
        List<FileKind> added = new ArrayList<>();
        for (FileKind kind : kinds) {
            FileKind old = before.get(kind.extension());
            if (kind.equals(old)) {
                byExtension.put(kind.extension(), old);
            } else {
                byExtension.put(kind.extension(), kind);
                added.add(kind);
            }
            declared.add(kind.extension());
        }
        return added;
    }

    /** Whether the folder never acts on a file of this name, whatever its extension. */
    static boolean isIgnored(String fileName) {
        return fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith(".part")
                || fileName.endsWith("~");
    }

    private static Optional<String> longestMatch(Path file, Collection<String> extensions) {
        Path name = file.getFileName();
        return name == null ? Optional.empty() : longestMatch(name.toString(), extensions);
    }

    private static Optional<String> longestMatch(String name, Collection<String> extensions) {
        if (isIgnored(name)) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        for (String extension : extensions) {
            if (lower.endsWith(extension) && lower.length() > extension.length()
                    && (best == null || extension.length() > best.length())) {
                best = extension;
            }
        }
        return Optional.ofNullable(best);
    }
}
