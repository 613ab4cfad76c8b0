package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * The kinds of file the watched folder acts on, by extension. A new kind (a later issue adds
 * {@code *.goplugin} descriptors) is one more constant with its own completeness check.
 */
enum PluginFileType {

    /** An OSGi bundle jar. */
    JAR(".jar") {
        @Override
        Check check(Path file) {
            String name = file.getFileName().toString();
            try {
                // The cheap test first: a jar still being written fails it without being read whole.
                ZipEnd end = ZipEnd.read(file);
                PluginJar.read(file, name);
                return new Check(null, end.fingerprint());
            } catch (ZipException e) {
                return new Check(name + " is incomplete or corrupt: " + e.getMessage(), 0);
            } catch (IOException e) {
                return new Check(name + " cannot be read: " + e, 0);
            } catch (PluginInstallException e) {
                return new Check(e.getMessage(), 0);
            }
        }
    };

    private final String extension;

    PluginFileType(String extension) {
        this.extension = extension;
    }

    /**
     * Judges the file by its content as it is now: complete and valid (every entry's CRC checks
     * and it declares what the installer needs), or why not (incomplete, damaged, not a bundle).
     */
    abstract Check check(Path file);

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

    /**
     * The verdict on a file.
     *
     * @param problem why it cannot be installed as it is now, or null if it can
     * @param fingerprint identifies the content of a valid file, so unchanged content is not installed twice
     */
    record Check(String problem, long fingerprint) {

        /** Whether the file is complete and valid. */
        boolean valid() {
            return problem == null;
        }
    }

    // Hidden files and the names copy tools and editors use while writing are never plugins.
    private static boolean isIgnored(String fileName) {
        return fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith(".part")
                || fileName.endsWith("~");
    }
}
