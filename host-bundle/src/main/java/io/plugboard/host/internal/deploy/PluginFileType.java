package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of file the watched folder acts on, by extension. A new kind (a later issue adds
 * {@code *.goplugin} descriptors) is one more constant with its own completeness check.
 */
enum PluginFileType {

    /** An OSGi bundle jar. */
    JAR(".jar") {
        @Override
        Optional<String> problem(Path file) {
            try {
                PluginJar.read(file, file.getFileName().toString());
                return Optional.empty();
            } catch (PluginInstallException e) {
                return Optional.of(e.getMessage());
            }
        }
    };

    private final String extension;

    PluginFileType(String extension) {
        this.extension = extension;
    }

    /**
     * Why the file cannot be installed as it is now (incomplete, damaged, not a bundle), or
     * empty if it is complete and valid.
     */
    abstract Optional<String> problem(Path file);

    /** The type of a file name, or empty if the folder ignores such files. */
    static Optional<PluginFileType> of(String fileName) {
        if (isIgnored(fileName)) {
            return Optional.empty();
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (PluginFileType type : values()) {
            if (lower.endsWith(type.extension) && lower.length() > type.extension.length()) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    // Hidden files and the names copy tools and editors use while writing are never plugins.
    private static boolean isIgnored(String fileName) {
        return fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith(".part")
                || fileName.endsWith("~");
    }
}
