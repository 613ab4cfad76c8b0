package io.plugboard.bench;

import java.nio.file.Path;
import java.util.Map;

/** Who turns files in the plugins folder into bundles: the system under test and its anchors. */
enum Watcher {

    /** Plugboard's own watched folder (framework property {@code plugboard.plugins.dir}). */
    PLUGBOARD("plugboard", "Plugboard", 0),
    /** Stock Apache Felix FileInstall at its default poll. */
    FILEINSTALL_2000("fi2000", "FileInstall 2000 ms", 2000),
    /** Stock Apache Felix FileInstall polling as fast as one would dare. */
    FILEINSTALL_50("fi50", "FileInstall 50 ms", 50),
    /** Nobody watches: plugins are installed through the framework API (the JMH state, an anchor). */
    NONE("felix", "Felix API", 0);

    final String key;
    final String label;
    final int pollMillis;

    Watcher(String key, String label, int pollMillis) {
        this.key = key;
        this.label = label;
        this.pollMillis = pollMillis;
    }

    /** Whether this watcher is stock FileInstall. */
    boolean isFileInstall() {
        return pollMillis > 0;
    }

    /** The framework properties that make this watcher watch the folder. */
    Map<String, String> properties(Path folder, Path work) {
        return switch (this) {
            case PLUGBOARD -> Map.of("plugboard.plugins.dir", folder.toString());
            case FILEINSTALL_2000, FILEINSTALL_50 -> Map.of(
                    "felix.fileinstall.dir", folder.toString(),
                    "felix.fileinstall.poll", Integer.toString(pollMillis),
                    "felix.fileinstall.noInitialDelay", "true",
                    "felix.fileinstall.tmpdir", work.resolve("fileinstall-tmp").toString(),
                    // Jars only: FileInstall would also read *.cfg and *.config files.
                    "felix.fileinstall.filter", ".*\\.jar");
            case NONE -> Map.of();
        };
    }

    /** Returns the watcher with the given key (plugboard, fi2000, fi50). */
    static Watcher byKey(String key) {
        for (Watcher watcher : values()) {
            if (watcher.key.equals(key) && watcher != NONE) {
                return watcher;
            }
        }
        throw new IllegalArgumentException("unknown watcher '" + key + "'; known: plugboard, fi2000, fi50");
    }
}
