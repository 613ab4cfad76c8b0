package io.plugboard.host.internal.commands;

import static io.plugboard.host.internal.commands.TerminalText.shown;
import static io.plugboard.host.internal.commands.TerminalText.value;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginRegistry;
import io.plugboard.host.internal.commands.FilePlugins.FilePlugin;
import io.plugboard.host.internal.deploy.PluginFileHandlers;
import io.plugboard.host.internal.deploy.FolderWatcher;
import io.plugboard.host.internal.deploy.PluginInstaller;
import io.plugboard.host.internal.leaks.LeakedThread;
import io.plugboard.host.internal.leaks.ThreadLeakDetector;
import io.plugboard.host.internal.state.StateLedger;

/**
 * The {@code plugin:*} Gogo commands. Each function takes its arguments as {@code String...} and
 * checks them itself: Gogo's own message for a wrong argument count ("Cannot coerce ...") does not
 * tell a user what to type. Every function returns the text Gogo prints.
 *
 * <p>Plugins that a {@link io.plugboard.api.deploy.PluginFileHandler} runs from a file (such as
 * a {@code *.goplugin} file) are installed, updated, uninstalled, listed and described here too,
 * through their handler.
 */
@Component(service = PluginCommands.class)
@GogoCommand(scope = "plugin", function = {"list", "install", "update", "uninstall", "info", "use", "kv", "greet"})
public final class PluginCommands {

    /** The index of the value in {@code plugin:kv put <key> <value>}, the one argument that may be empty. */
    private static final int PUT_VALUE = 2;

    /** How long plugin:use waits for installs in progress in the watched folder. */
    private static final long FOLDER_WAIT_MILLIS = 10_000;

    private final PluginRegistry registry;
    private final PluginInstaller installer;
    private final FilePluginCommands files;
    private final Logger logger;

    // Optional and dynamic: plugin:info works without it, and the constructor stays as it was.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ThreadLeakDetector leaks;

    // Optional and dynamic: without a watched folder, plugin:use has nothing to wait for.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile FolderWatcher folderWatcher;

    // Optional and dynamic, as leaks: plugin:info then just says nothing of handed-over state.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile StateLedger stateLedger;

    /** Creates the commands over the registry, the installer of bundles and the handlers of other plugin files. */
    @Activate
    public PluginCommands(@Reference(name = "registry") PluginRegistry registry,
            @Reference(name = "installer") PluginInstaller installer,
            @Reference(name = "fileHandlers") PluginFileHandlers fileHandlers,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.registry = registry;
        this.installer = installer;
        this.files = new FilePluginCommands(registry, installer, fileHandlers, logger, this::awaitFolder);
        this.logger = logger;
    }

    /**
     * Lists every plugin service and every plugin bundle that registers none. A plugin run from a
     * file has no bundle of its own ({@code -}); a DETAILS column then shows its file and first facts.
     */
    @Descriptor("list plugins: bundle id, name, type, version, bundle state; * marks the plugin serving its type; "
            + "a plugin run from a file shows - and, under DETAILS, its file and facts; a library bundle shows type library")
    public String list(@Descriptor("no arguments") String... args) {
        return shown(() -> {
            Arguments.check(args, 0, 0, "plugin:list");
            // What the folder is installing right now (a go-plugin process starting) belongs in the list.
            awaitFolder();
            List<Bundle> bundles = installer.pluginBundles();
            List<PluginInfo> plugins = registry.plugins();
            if (bundles.isEmpty() && plugins.isEmpty()) {
                return "no plugins installed; add one with plugin:install <path-or-url>";
            }
            FilePlugins filePlugins = files.plugins();
            List<FilePlugin> unregistered = filePlugins.withoutService(plugins);
            Set<Long> withPlugins = plugins.stream().map(PluginInfo::bundleId).collect(Collectors.toSet());
            // A handler's bundle (the goplugin bundle) shows as its plugins' rows, registered or not.
            List<Bundle> withoutPlugins = bundles.stream().filter(b -> !withPlugins.contains(b.getBundleId())
                    && !filePlugins.isHandler(b.getBundleId())).toList();
            Map<Long, String> failed = new HashMap<>();
            withoutPlugins.forEach(b -> installer.startFailure(b).ifPresent(why -> failed.put(b.getBundleId(), why)));
            Map<Long, String> unresolved = new HashMap<>();
            withoutPlugins.forEach(b -> installer.whyNotResolved(b).ifPresent(why -> unresolved.put(b.getBundleId(), why)));
            // A start past the time limit (an activator that never returns) is HANGING, with the reason.
            Map<Long, String> hanging = new HashMap<>();
            withoutPlugins.forEach(b -> installer.startHang(b).ifPresent(why -> hanging.put(b.getBundleId(), why)));
            boolean details = !unregistered.isEmpty() || !failed.isEmpty() || !unresolved.isEmpty() || !hanging.isEmpty()
                    || plugins.stream().anyMatch(p -> filePlugins.owner(p).isPresent());
            String[] header = {"ID", "NAME", "TYPE", "VERSION", "STATE", "ACTIVE", "DETAILS"};
            TextTable table = new TextTable(details ? header : Arrays.copyOf(header, header.length - 1));
            for (PluginInfo plugin : plugins) {
                String state = bundles.stream().filter(b -> b.getBundleId() == plugin.bundleId()).findFirst()
                        .map(b -> BundleDescriber.stateName(b.getState())).orElse("?");
                Optional<FilePlugin> file = filePlugins.owner(plugin);
                String[] row = {file.isPresent() ? "-" : String.valueOf(plugin.bundleId()), plugin.name(),
                        plugin.type(), plugin.version(), state, plugin.active() ? "*" : "",
                        file.map(FilePluginCommands::details).orElse("")};
                table.row(details ? row : Arrays.copyOf(row, row.length - 1));
            }
            // A plugin run from a file that registers nothing now (failed for good, stopped) is still listed.
            for (FilePlugin plugin : unregistered) {
                Map<String, String> facts = plugin.facts();
                String[] row = {"-", plugin.name(), facts.getOrDefault("type", "-"), facts.getOrDefault("version", "?"),
                        facts.getOrDefault("state", "-").toUpperCase(Locale.ROOT), "", FilePluginCommands.details(plugin)};
                table.row(row);
            }
            for (Bundle bundle : withoutPlugins) {
                // A bundle whose start failed is FAILED, with the reason: RESOLVED alone would hide it.
                String failure = failed.get(bundle.getBundleId());
                String hang = hanging.get(bundle.getBundleId());
                String state = hang != null ? "HANGING" : failure != null ? "FAILED" : BundleDescriber.stateName(bundle.getState());
                String why = hang != null ? value(hang) : failure != null ? "failed to start: " + value(failure)
                        : value(unresolved.getOrDefault(bundle.getBundleId(), ""));
                // A library (a bundle that imports no io.plugboard.api package) serves plugins, not
                // calls; a fragment adds to its host and never runs.
                boolean fragment = installer.isFragment(bundle);
                boolean library = fragment || installer.isLibrary(bundle);
                Map<String, String> declared = library ? Map.of() : declaredWhileUnresolved(bundle);
                if (declared.isEmpty()) {
                    declared = Map.of(String.valueOf(bundle.getSymbolicName()), fragment ? "fragment" : library ? "library" : "-");
                }
                for (Map.Entry<String, String> plugin : new TreeMap<>(declared).entrySet()) {
                    String[] row = {String.valueOf(bundle.getBundleId()), value(plugin.getKey()), value(plugin.getValue()),
                            bundle.getVersion().toString(), state, "", why};
                    table.row(details ? row : Arrays.copyOf(row, row.length - 1));
                }
            }
            return table.toString() + waitingTypes(plugins);
        });
    }

    /**
     * A line for each type that has plugins but none active because its selected plugin is not
     * registered (failed, not started yet): otherwise the list would only show no {@code *}.
     */
    private String waitingTypes(List<PluginInfo> plugins) {
        StringBuilder lines = new StringBuilder();
        plugins.stream().map(PluginInfo::type).distinct().sorted().forEach(type -> {
            if (plugins.stream().noneMatch(p -> p.type().equals(type) && p.active())) {
                registry.selection(type).ifPresent(name -> lines.append('\n').append(type).append(" waits for ")
                        .append(name).append(", selected for it and not registered: its calls fail until it is back,"
                                + " or plugin:use ").append(type).append(" <name> picks another"));
            }
        });
        return lines.toString();
    }

    /** Installs a plugin jar and starts it, or has the handler of a plugin file's extension install it. */
    @Descriptor("install a plugin jar and start it, or a plugin file (such as *.goplugin) with the handler of its "
            + "kind: plugin:install <path-or-url>")
    public String install(@Descriptor("<path-or-url> of the plugin jar, or the path of a plugin file") String... args) {
        return shown(() -> {
            String location = Arguments.check(args, 1, 1, "plugin:install <path-or-url>")[0];
            Optional<String> installedFile = files.install(location);
            if (installedFile.isPresent()) {
                return installedFile.get();
            }
            Bundle bundle = installer.install(location);
            return "installed " + bundle.getSymbolicName() + " " + bundle.getVersion() + " as bundle "
                    + bundle.getBundleId() + pluginsAndStatus(bundle);
        });
    }

    /** Updates a plugin bundle from a new jar or from its own location. */
    @Descriptor("update a plugin bundle, from a new jar or its own location: plugin:update <name-or-id> [path-or-url]")
    public String update(@Descriptor("<name-or-id> [path-or-url]") String... args) {
        return shown(() -> {
            String[] checked = Arguments.check(args, 1, 2, "plugin:update <name-or-id> [path-or-url]");
            Object target = find(checked[0]);
            if (target instanceof FilePlugin file) {
                return files.update(file, checked.length > 1 ? checked[1] : null);
            }
            Bundle bundle = (Bundle) target;
            String before = bundle.getVersion().toString();
            Bundle updated = installer.update(bundle, checked.length > 1 ? checked[1] : null);
            return "updated " + updated.getSymbolicName() + " (bundle " + updated.getBundleId() + ") from " + before
                    + " to " + updated.getVersion() + pluginsAndStatus(updated);
        });
    }

    /** Uninstalls a plugin bundle, or a plugin run from a file. */
    @Descriptor("uninstall a plugin bundle, or a plugin run from a file; a version picks one of a name's versions "
            + "installed side by side: plugin:uninstall <name-or-id> [<version>]")
    public String uninstall(@Descriptor("<name-or-id> [<version>]: bundle id, plugin name or bundle symbolic name,"
            + " e.g. greeter.en 1.0.0") String... args) {
        return shown(() -> {
            String[] checked = Arguments.check(args, 1, 2, "plugin:uninstall <name-or-id> [<version>]");
            Object target = find(checked[0], checked.length > 1 ? checked[1] : null);
            if (target instanceof FilePlugin file) {
                String uninstalled = files.uninstall(file);
                // A file in the folder refused because this plugin ran (it declares the same name) may run now.
                FolderWatcher watcher = folderWatcher;
                if (watcher != null) {
                    watcher.pluginLeft();
                }
                return uninstalled;
            }
            Bundle bundle = (Bundle) target;
            String what = bundle.getSymbolicName() + " " + bundle.getVersion() + " (bundle " + bundle.getBundleId() + ")";
            installer.uninstall(bundle);
            return "uninstalled " + what;
        });
    }

    /** Describes a plugin bundle: headers, state, services, imports and why it is not active. */
    @Descriptor("describe a plugin bundle: headers, state, services, imports and their wires; a version picks one of"
            + " a name's versions installed side by side: plugin:info <name-or-id> [<version>]")
    public String info(@Descriptor("<name-or-id> [<version>]: bundle id, plugin name or bundle symbolic name,"
            + " e.g. greeter.en 1.0.0") String... args) {
        return shown(() -> {
            String[] checked = Arguments.check(args, 1, 2, "plugin:info <name-or-id> [<version>]");
            Object target = find(checked[0], checked.length > 1 ? checked[1] : null);
            if (target instanceof FilePlugin file) {
                return files.describe(file);
            }
            Bundle bundle = (Bundle) target;
            return BundleDescriber.describe(bundle, installer.whyNotActive(bundle), installer.movedFile(bundle)) + takenOverState(bundle)
                    + leakedThreads(bundle);
        });
    }

    /** The {@code taken over:} lines of plugin:info: the state the bundle's plugins took over, if any. */
    private String takenOverState(Bundle bundle) {
        StateLedger ledger = stateLedger;
        return ledger == null ? "" : ledger.receipts(bundle.getBundleId()).stream()
                .map(r -> "\n  taken over: " + r.summary()).collect(Collectors.joining());
    }

    /** The {@code leaked threads:} lines of plugin:info, or nothing when the bundle left none. */
    private String leakedThreads(Bundle bundle) {
        ThreadLeakDetector detector = leaks;
        List<LeakedThread> leaked = detector == null ? List.of() : detector.leakedThreads(bundle.getBundleId());
        return leaked.isEmpty() ? "" : leaked.stream().map(l -> "\n    " + l.summary())
                .collect(Collectors.joining("", "\n  leaked threads:", ""));
    }

    /** Makes the named plugin (optionally one version of it) serve its type, and keeps that choice. */
    @Descriptor("make the named plugin serve its type, also after a restart; a version pins that one: "
            + "plugin:use <type> <name> [<version>]")
    public String use(@Descriptor("<type> <name> [<version>], e.g. kv kv.file or greeter greeter.en 1.0.0") String... args) {
        return shown(() -> {
            String[] checked = Arguments.check(args, 2, 3, "plugin:use <type> <name> [<version>]");
            String version = checked.length > 2 ? checked[2] : null;
            try {
                registry.select(checked[0], checked[1], version);
            } catch (IllegalArgumentException unknown) {
                // The plugin may be on its way from the watched folder (a go-plugin process takes a
                // moment to start): wait for the folder's queued work, then ask once more.
                if (!awaitFolder()) {
                    throw unknown;
                }
                registry.select(checked[0], checked[1], version);
            }
            // The installer logs installs and updates; a selection is only visible here.
            logger.info("plugin:use selected {}{} to serve type {}", checked[1], version == null ? "" : " " + version,
                    checked[0]);
            String type = value(checked[0]);
            String name = value(checked[1]);
            String pinned = version == null ? ""
                    : "; this version stays pinned (plugin:use " + type + " " + name + " follows the newest)";
            return registry.active(checked[0])
                    .map(p -> type + " is now served by " + value(p.name()) + " " + value(p.version()) + " (bundle "
                            + p.bundleId() + ")" + pinned)
                    .orElse(type + " will be served by " + name + " when it is present");
        });
    }

    /**
     * The plugin a name or id names: a {@link FilePlugin} or a {@link Bundle}. When none does, it
     * waits once for the plugins folder's queued installs and looks again: the first command of a
     * start can come before the folder has installed what its files hold (kv.go, say).
     *
     * @throws IllegalArgumentException naming the plugins there are, when none has that name or id
     */
    private Object find(String nameOrId) {
        return find(nameOrId, null);
    }

    /**
     * As {@link #find(String)}; a version, when not null, picks the one of the name's versions
     * installed side by side.
     *
     * @throws IllegalArgumentException also for a text that is no version, or a version not
     *         installed (naming those that are)
     */
    private Object find(String nameOrId, String version) {
        try {
            return findNow(nameOrId, version);
        } catch (IllegalArgumentException unknown) {
            if (!awaitFolder()) {
                throw unknown;
            }
            return findNow(nameOrId, version);
        }
    }

    private Object findNow(String nameOrId, String version) {
        Optional<FilePlugin> file = files.find(nameOrId);
        if (file.isPresent()) {
            if (version != null) {
                files.checkVersion(file.get(), version);
            }
            return file.get();
        }
        return version == null ? lookup().find(nameOrId) : lookup().find(nameOrId, version);
    }

    /** Waits (at most FOLDER_WAIT_MILLIS) for the folder's queued installs; false if there is no folder or it took longer. */
    private boolean awaitFolder() {
        FolderWatcher watcher = folderWatcher;
        if (watcher == null) {
            return false;
        }
        try {
            return watcher.awaitQueuedWork(FOLDER_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Calls the active key-value store. */
    @Descriptor("use the active key-value store: plugin:kv put <key> <value> | get <key> | del <key> | keys")
    public String kv(@Descriptor("put <key> <value> | get <key> | del <key> | keys") String... args) {
        return shown(() -> {
            String usage = "plugin:kv put <key> <value> | get <key> | del <key> | keys";
            // KeyValueStore takes any value, an empty one too: put's value may be '' (or blanks).
            String subcommand = Arguments.check(args, 1, 3, usage, PUT_VALUE)[0];
            return switch (subcommand) {
                case "put" -> {
                    String[] checked = Arguments.check(args, 3, 3,
                            "plugin:kv put <key> <value> (quote a value with spaces; '' is the empty value)", PUT_VALUE);
                    String servedBy = servedBy(KeyValueStore.TYPE,
                            () -> store().put(checked[1], checked[2].getBytes(StandardCharsets.UTF_8)));
                    yield (checked[2].isEmpty() ? "stored an empty value under " : "stored ") + value(checked[1])
                            + " in " + servedBy;
                }
                case "get" -> {
                    String key = Arguments.check(args, 2, 2, "plugin:kv get <key>")[1];
                    // The value is shown like all else: its line feeds and tabs as they are, other
                    // control characters escaped. Unlike cat's bytes this is text on the user's
                    // terminal (decoded as UTF-8, so never the exact bytes), and whoever wrote the
                    // value (a file in the store's folder, a go-plugin, another plugin) must not
                    // drive that terminal; a caller that needs the bytes has KeyValueStore.get.
                    // An empty value prints as an empty line: a missing key is the line below.
                    yield store().get(key).map(value -> new String(value, StandardCharsets.UTF_8))
                            .orElseGet(() -> "no value stored under " + value(key) + " in "
                                    + activeName(KeyValueStore.TYPE));
                }
                case "del" -> {
                    String key = Arguments.check(args, 2, 2, "plugin:kv del <key>")[1];
                    yield store().delete(key) ? "deleted " + value(key)
                            : "no value stored under " + value(key) + " in " + activeName(KeyValueStore.TYPE)
                                    + "; nothing deleted";
                }
                case "keys" -> {
                    Arguments.check(args, 1, 1, "plugin:kv keys");
                    List<String> keys = store().keys();
                    yield keys.isEmpty() ? "no keys in " + activeName(KeyValueStore.TYPE) : String.join("\n", keys);
                }
                default -> throw new IllegalArgumentException("unknown subcommand '" + subcommand + "'; type " + usage);
            };
        });
    }

    /** Greets someone through the active greeter. */
    @Descriptor("greet someone with the active greeter: plugin:greet <name>")
    public String greet(@Descriptor("<name> to greet (quote a name with spaces)") String... args) {
        return shown(() -> {
            String name = Arguments.check(args, 1, 1, "plugin:greet <name> (quote a name with spaces)")[0];
            return registry.service(Greeter.TYPE, Greeter.class).greet(name);
        });
    }

    /** The stand-in, not the service itself: a command run during an update waits for the new version. */
    private KeyValueStore store() {
        return registry.service(KeyValueStore.TYPE, KeyValueStore.class);
    }

    /**
     * Makes the call through the type's stand-in and names the plugin that took it, as far as the
     * registry can tell from outside the call: the active plugin before and after it. Should the
     * type have switched while the call ran (an update, a plugin:use, a plugin leaving), both are
     * named: naming only the one active afterwards would tell the user a write landed in a store
     * that never saw it.
     */
    private String servedBy(String type, Runnable call) {
        Optional<PluginInfo> before = registry.active(type);
        call.run();
        Optional<PluginInfo> after = registry.active(type);
        if (before.isPresent() && after.isPresent() && before.get().serviceId() != after.get().serviceId()
                && !before.get().name().equals(after.get().name())) {
            return before.get().name() + " or " + after.get().name() + " (the active " + type
                    + " plugin changed during the call)";
        }
        // None active before: the call waited for the one active now.
        return after.or(() -> before).map(PluginInfo::name).orElse(type);
    }

    private String activeName(String type) {
        return registry.active(type).map(PluginInfo::name).orElse(type);
    }

    private BundleLookup lookup() {
        return new BundleLookup(installer.pluginBundles(), registry.plugins(), b -> declaredWhileUnresolved(b).keySet());
    }

    /**
     * The plugins an unresolved bundle declares, name to type: it registers none (a library it
     * needs was removed, say), yet the user knows it by them. A resolved bundle is named as it is.
     */
    private Map<String, String> declaredWhileUnresolved(Bundle bundle) {
        return bundle.getState() == Bundle.INSTALLED ? installer.declaredPlugins(bundle) : Map.of();
    }

    /** What a freshly installed or updated bundle offers, and why it is not active if it is not. */
    private String pluginsAndStatus(Bundle bundle) {
        String plugins = registry.plugins().stream().filter(p -> p.bundleId() == bundle.getBundleId())
                .map(p -> p.name() + " (" + p.type() + ")").collect(Collectors.joining(", "));
        Optional<String> why = installer.whyNotActive(bundle);
        String offers = installer.isFragment(bundle) ? "; a fragment: it attaches to its host bundle"
                : installer.isLibrary(bundle) ? "; a library: it imports no io.plugboard.api package"
                : plugins.isEmpty() ? "; it registers no plugin yet" : "; plugins: " + plugins;
        return offers
                + why.map(w -> "\nnot active: " + w).orElse("");
    }
}
