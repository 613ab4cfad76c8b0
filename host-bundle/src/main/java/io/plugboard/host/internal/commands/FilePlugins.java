package io.plugboard.host.internal.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.host.internal.deploy.FileHandler;

/**
 * The plugins that handlers run from files, as the commands find and show them. A plugin's
 * services are registered by its handler's bundle, so a registry entry is a file plugin's when
 * that bundle registered it under the plugin's name.
 */
final class FilePlugins {

    /** How many of a plugin's facts {@code plugin:list} shows. */
    private static final int SUMMARY_FACTS = 2;

    /** One plugin a handler runs, and the file it runs it from. */
    record FilePlugin(FileHandler handler, PluginFile file) {

        String name() {
            return file.pluginName();
        }

        /** Whether the registry entry is one of this plugin's services. */
        boolean owns(PluginInfo info) {
            return info.bundleId() == handler.bundleId() && info.name().equals(name());
        }

        /** The facts its handler gives, in its order; a handler that fails gives why. */
        Map<String, String> facts() {
            try {
                Map<String, String> facts = handler.handler().describe(name());
                return facts == null ? Map.of() : facts;
            } catch (RuntimeException e) {
                return Map.of("error", handler.describe() + " cannot describe it: " + e);
            }
        }
    }

    private final List<FilePlugin> plugins;

    private FilePlugins(List<FilePlugin> plugins) {
        this.plugins = plugins;
    }

    /** What the handlers run now; a handler that fails to say is left out. */
    static FilePlugins of(List<FileHandler> handlers) {
        List<FilePlugin> plugins = new ArrayList<>();
        for (FileHandler handler : handlers) {
            List<PluginFile> files;
            try {
                files = handler.handler().installed();
            } catch (RuntimeException e) {
                continue;
            }
            files.forEach(file -> plugins.add(new FilePlugin(handler, file)));
        }
        return new FilePlugins(plugins);
    }

    /** The file plugins that own none of the registry's entries now (not started yet, failed for good, stopped). */
    List<FilePlugin> withoutService(List<PluginInfo> registered) {
        return plugins.stream().filter(p -> registered.stream().noneMatch(p::owns)).toList();
    }

    /** Whether the bundle is a handler's: it runs file plugins, which are listed by themselves. */
    boolean isHandler(long bundleId) {
        return plugins.stream().anyMatch(p -> p.handler().bundleId() == bundleId);
    }

    /** The file plugin the registry entry belongs to, if it is one's. */
    Optional<FilePlugin> owner(PluginInfo info) {
        return plugins.stream().filter(p -> p.owns(info)).findFirst();
    }

    /** The file plugin from the file, if a handler runs one from it. */
    Optional<FilePlugin> from(Path file) {
        Path wanted = file.toAbsolutePath().normalize();
        return plugins.stream().filter(p -> p.file().file().toAbsolutePath().normalize().equals(wanted)).findFirst();
    }

    /**
     * The file plugin a user means: by plugin name, file name or file path; empty when none
     * matches (the text may name a bundle).
     *
     * @throws IllegalArgumentException when several match, listing their files
     */
    Optional<FilePlugin> find(String nameOrFile) {
        List<FilePlugin> matches = plugins.stream().filter(p -> p.name().equals(nameOrFile)
                || p.file().file().getFileName().toString().equals(nameOrFile)
                || p.file().file().toString().equals(nameOrFile)).toList();
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + nameOrFile + "' matches " + matches.size() + " plugins run from files: "
                    + matches.stream().map(p -> p.name() + " (" + p.file().file() + ")").collect(Collectors.joining(", "))
                    + "; give the file's path instead");
        }
        return matches.stream().findFirst();
    }

    /** The first facts, as {@code plugin:list} shows them: {@code pid 4242, uptime 3m 2s}. */
    static String summary(Map<String, String> facts) {
        return facts.entrySet().stream().limit(SUMMARY_FACTS).map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Lines {@code key:  value}, each label padded so the values line up two spaces after the longest. */
    static List<String> aligned(List<Map.Entry<String, String>> lines, String indent) {
        int width = lines.stream().mapToInt(line -> line.getKey().length() + 1).max().orElse(0) + 2;
        List<String> result = new ArrayList<>();
        for (Map.Entry<String, String> line : lines) {
            String label = line.getKey() + ":";
            result.add(indent + label + " ".repeat(width - label.length()) + line.getValue());
        }
        return result;
    }
}
