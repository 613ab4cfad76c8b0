package io.plugboard.host.internal.commands;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.service.log.Logger;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginRegistry;
import io.plugboard.host.internal.commands.FilePlugins.FilePlugin;
import io.plugboard.host.internal.deploy.FileHandler;
import io.plugboard.host.internal.deploy.PluginFileHandlers;
import io.plugboard.host.internal.deploy.PluginInstallException;
import io.plugboard.host.internal.deploy.PluginInstaller;
import io.plugboard.host.internal.text.VersionText;

/**
 * What the {@code plugin:*} commands do for plugins a handler runs from files: each goes to the
 * handler of its file's extension. A handler's failure ({@link PluginFileException}) reaches the
 * user as a {@link PluginInstallException} with the handler's message.
 */
final class FilePluginCommands {

    // Two or more letters before the colon, so a Windows drive ("C:\x") stays a path; as PluginSource.
    private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    private final PluginRegistry registry;
    private final PluginInstaller installer;
    private final PluginFileHandlers handlers;
    private final Logger logger;
    private final BooleanSupplier awaitFolder;

    /**
     * @param awaitFolder waits for the watched folder's queued work (at most a while); false when
     *        there is none to wait for, or it took longer
     */
    FilePluginCommands(PluginRegistry registry, PluginInstaller installer, PluginFileHandlers handlers, Logger logger,
            BooleanSupplier awaitFolder) {
        this.registry = registry;
        this.installer = installer;
        this.handlers = handlers;
        this.logger = logger;
        this.awaitFolder = awaitFolder;
    }

    /** The plugins the handlers run now. */
    FilePlugins plugins() {
        return FilePlugins.of(handlers.handlers());
    }

    /**
     * Installs the file with the handler of its extension and says what it installed; empty when
     * it is for the installer of bundles (a jar, a URL, a file that is a zip by another name).
     *
     * @throws PluginInstallException when no handler takes the file and it is no jar, or the handler refuses it
     */
    Optional<String> install(String location) {
        Optional<Path> file = localFile(location);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Optional<FileHandler> handler = handlers.forFile(file.get());
        if (handler.isEmpty()) {
            checkNotAnUnhandledPluginFile(file.get());
            return Optional.empty();
        }
        return Optional.of(install(handler.get(), file.get()));
    }

    /**
     * The file plugin the text names (by plugin name, file name or path), unless it is a bundle
     * id; a name that is also a bundle's is ambiguous.
     */
    Optional<FilePlugin> find(String nameOrId) {
        if (nameOrId.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        Optional<FilePlugin> found = plugins().find(nameOrId);
        found.ifPresent(plugin -> {
            List<PluginInfo> services = registry.plugins();
            Optional<Bundle> bundle = installer.pluginBundles().stream()
                    .filter(b -> b.getBundleId() != plugin.handler().bundleId())
                    .filter(b -> nameOrId.equals(b.getSymbolicName()) || services.stream()
                            .anyMatch(p -> p.bundleId() == b.getBundleId() && p.name().equals(nameOrId)))
                    .findFirst();
            if (bundle.isPresent()) {
                throw new IllegalArgumentException("'" + nameOrId + "' names both the plugin run from "
                        + plugin.file().file() + " and bundle " + bundle.get().getBundleId() + " ("
                        + bundle.get().getSymbolicName() + "); give the file name " + plugin.file().file().getFileName()
                        + " or the bundle id instead");
            }
        });
        return found;
    }

    /**
     * Checks that the plugin, named with a version, has that version: one name runs from one file
     * only, so the version can only confirm it.
     *
     * @throws IllegalArgumentException for a text that is no version, or another version, naming the one it has
     */
    void checkVersion(FilePlugin plugin, String version) {
        Version wanted = VersionText.parse(version);
        String has = versionOf(plugin);
        boolean same;
        try {
            same = Version.parseVersion(has).equals(wanted);
        } catch (IllegalArgumentException e) {
            same = false; // "?": its handler does not say
        }
        if (!same) {
            throw new IllegalArgumentException("version " + version + " of " + plugin.name() + " is not installed;"
                    + " installed versions: " + has + " (from " + plugin.file().file().getFileName() + ")");
        }
    }

    /** Has the handler install the plugin's own file again: what {@code plugin:update} means for it. */
    String update(FilePlugin plugin, String pathOrUrl) {
        Path file = plugin.file().file();
        if (pathOrUrl != null && !localFile(pathOrUrl).equals(Optional.of(file.toAbsolutePath().normalize()))) {
            throw new IllegalArgumentException(plugin.name() + " runs from " + file + ", and is updated from it only: "
                    + "change that file and run plugin:update " + plugin.name()
                    + ", or plugin:uninstall it and plugin:install the other file");
        }
        String before = versionOf(plugin);
        try {
            plugin.handler().handler().install(file);
        } catch (PluginFileException e) {
            throw new PluginInstallException(e.getMessage(), e);
        }
        logger.info("plugin:update updated {} from {} with {}", plugin.name(), file, plugin.handler().describe());
        FilePlugin now = plugins().from(file).orElse(plugin);
        return "updated " + now.name() + " from " + file.getFileName() + ": " + before + " to " + versionOf(now)
                + servicesOf(now);
    }

    /** Has the handler stop the plugin; its file stays where it is. */
    String uninstall(FilePlugin plugin) {
        String what = plugin.name() + " " + versionOf(plugin) + " (from " + plugin.file().file() + ")";
        // Before it goes, so that a type it serves as selected moves on at once instead of waiting for it.
        installer.removingOnPurpose(List.of(plugin.name()), plugin.handler().bundleId());
        try {
            plugin.handler().handler().uninstall(plugin.file().file());
        } catch (PluginFileException e) {
            throw new PluginInstallException(e.getMessage(), e);
        }
        logger.info("plugin:uninstall uninstalled {} with {}", what, plugin.handler().describe());
        return "uninstalled " + what;
    }

    /**
     * The registry's view of the plugin, then every fact its handler gives, in the handler's
     * order (one that repeats a line of the registry's view exactly is not repeated).
     */
    String describe(FilePlugin plugin) {
        List<PluginInfo> services = registry.plugins().stream().filter(plugin::owns).toList();
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        lines.add(Map.entry("file", plugin.file().file().toString()));
        lines.add(Map.entry("handler", plugin.handler().describe() + ", bundle " + plugin.handler().bundleId()));
        lines.add(Map.entry("installed", Instant.ofEpochMilli(plugin.file().installedMillis()).toString()));
        lines.add(Map.entry("serves", services.isEmpty() ? "nothing now: it has no service registered"
                : services.stream().map(p -> p.type() + (p.active() ? " (active)" : " (not active)") + ", service "
                        + p.serviceId()).collect(Collectors.joining("; "))));
        plugin.facts().forEach((key, value) -> {
            Map.Entry<String, String> line = Map.entry(String.valueOf(key), String.valueOf(value));
            // A fact that repeats one of the lines above word for word (its file, say) is shown once.
            if (!lines.contains(line)) {
                lines.add(line);
            }
        });
        return plugin.name() + " " + versionOf(plugin) + ", run from " + plugin.file().file().getFileName() + "\n"
                + String.join("\n", FilePlugins.aligned(lines, "  "));
    }

    /** The DETAILS {@code plugin:list} shows of a plugin run from a file: {@code kv.goplugin (pid 4242, uptime 3m 2s)}. */
    static String details(FilePlugin plugin) {
        // The file is shown already: a fact that only repeats its path would crowd out the others.
        Map<String, String> facts = new LinkedHashMap<>(plugin.facts());
        facts.values().removeIf(value -> plugin.file().file().toString().equals(value));
        String summary = FilePlugins.summary(facts);
        return plugin.file().file().getFileName() + (summary.isEmpty() ? "" : " (" + summary + ")");
    }

    private String install(FileHandler handler, Path file) {
        if (!Files.exists(file)) {
            throw new PluginInstallException(file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new PluginInstallException(file + " is a directory, not a plugin file");
        }
        // The handler would take the file again and restart its plugin: that is what plugin:update does, and a jar
        // installed already is refused the same way. Checked here, not in the handler, because the watched folder
        // hands it the same file again when it changes.
        Optional<FilePlugin> running = plugins().from(file);
        if (running.isEmpty() && awaitFolder.getAsBoolean()) {
            // The folder may be starting it right now (a piped first command comes before kv-go's process is up).
            running = plugins().from(file);
        }
        if (running.isPresent()) {
            throw new PluginInstallException(file + " is already installed (" + running.get().name() + " "
                    + versionOf(running.get()) + " runs from it); use plugin:update " + running.get().name());
        }
        try {
            handler.handler().install(file);
        } catch (PluginFileException e) {
            throw new PluginInstallException(e.getMessage(), e);
        }
        logger.info("plugin:install installed {} with {}", file, handler.describe());
        Optional<FilePlugin> plugin = plugins().from(file);
        String what = plugin.map(p -> p.name() + " " + versionOf(p)).orElse(file.getFileName().toString());
        return "installed " + what + " from " + file.getFileName() + " with " + handler.describe()
                + plugin.map(this::servicesOf).orElse("");
    }

    /**
     * Refuses a file that no handler takes and that is no jar: a plugin file of a kind whose
     * handler is not installed (or no plugin at all). Jars, files named without an extension,
     * files that are zips (a jar by another name) and missing files go on to the installer,
     * which words their problem as before.
     */
    private void checkNotAnUnhandledPluginFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.endsWith(".jar") || !Files.isRegularFile(file) || isZip(file)) {
            return;
        }
        List<String> kinds = handlers.handlers().stream().map(h -> "*" + h.extension()).toList();
        throw new PluginInstallException("no plugin handler for *" + name.substring(dot) + " files is installed; "
                + "plugin:install takes plugin jars" + (kinds.isEmpty() ? "" : " and " + String.join(", ", kinds) + " files"));
    }

    /**
     * The version the plugin's services carry ({@code plugin.version}); while it has none, the
     * version its handler gives (a {@code version} fact), else {@code ?}.
     */
    private String versionOf(FilePlugin plugin) {
        return registry.plugins().stream().filter(plugin::owns).map(PluginInfo::version).findFirst()
                .orElseGet(() -> plugin.facts().getOrDefault("version", "?"));
    }

    private String servicesOf(FilePlugin plugin) {
        String services = registry.plugins().stream().filter(plugin::owns)
                .map(p -> p.name() + " (" + p.type() + ")").collect(Collectors.joining(", "));
        return services.isEmpty() ? "; it registers no plugin yet" : "; plugins: " + services;
    }

    /** The local file a path or {@code file:} URL names, absolute; empty for other URLs and for what is no path. */
    private static Optional<Path> localFile(String location) {
        try {
            if (URL_SCHEME.matcher(location).matches()) {
                URI uri = new URI(location);
                return "file".equalsIgnoreCase(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
            }
            return Optional.of(Path.of(location).toAbsolutePath().normalize());
        } catch (Exception e) {
            // Not a path: the installer words the problem.
            return Optional.empty();
        }
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false; // the installer reports what cannot be read
        }
    }
}
