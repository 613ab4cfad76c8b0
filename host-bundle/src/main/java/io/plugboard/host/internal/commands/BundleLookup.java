package io.plugboard.host.internal.commands;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import io.plugboard.api.registry.PluginInfo;
import io.plugboard.host.internal.text.VersionText;

/**
 * Finds the plugin bundle a user means by {@code <name-or-id>}: a bundle id, a plugin name or a
 * bundle symbolic name. Only plugin bundles are candidates, so a typo cannot reach the framework
 * or the host.
 */
final class BundleLookup {

    private final List<Bundle> pluginBundles;
    private final List<PluginInfo> plugins;
    // What a bundle that registers no plugin (unresolved, failed) declares: it is still named by those names.
    private final Function<Bundle, Set<String>> declaredNames;

    BundleLookup(List<Bundle> pluginBundles, List<PluginInfo> plugins) {
        this(pluginBundles, plugins, b -> Set.of());
    }

    BundleLookup(List<Bundle> pluginBundles, List<PluginInfo> plugins, Function<Bundle, Set<String>> declaredNames) {
        this.pluginBundles = pluginBundles;
        this.plugins = plugins;
        this.declaredNames = declaredNames;
    }

    /**
     * Returns the one bundle the text names.
     *
     * @throws IllegalArgumentException when no bundle or several match, listing the candidates
     */
    Bundle find(String nameOrId) {
        if (isId(nameOrId)) {
            return byId(nameOrId);
        }
        List<Bundle> matches = named(nameOrId);
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw unknown(nameOrId);
        }
        throw new IllegalArgumentException("'" + nameOrId + "' matches " + matches.size() + " bundles: "
                + describe(matches) + "; give the bundle id instead, or the name and the version");
    }

    /**
     * Returns the one bundle that has the plugin name or symbolic name at the version, as
     * {@code plugin:use <type> <name> <version>} picks one of two versions side by side.
     *
     * @throws IllegalArgumentException for a bundle id (it names one bundle already), a text that
     *         is no version, a name no bundle has, a version not installed (listing those that are),
     *         or several bundles at that version
     */
    Bundle find(String name, String version) {
        if (isId(name)) {
            throw new IllegalArgumentException("'" + name + "' is a bundle id, which names one bundle: give it without"
                    + " a version, or give a plugin name with the version");
        }
        Version wanted = VersionText.parse(version);
        List<Bundle> named = named(name);
        if (named.isEmpty()) {
            throw unknown(name);
        }
        List<Bundle> matches = named.stream().filter(b -> versions(b, name).contains(wanted)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            Set<String> installed = new LinkedHashSet<>();
            named.forEach(b -> versions(b, name).forEach(v -> installed.add(v.toString())));
            throw new IllegalArgumentException(VersionText.notInstalled(version, name, installed));
        }
        throw new IllegalArgumentException("'" + name + " " + version + "' matches " + matches.size() + " bundles: "
                + describe(matches) + "; give the bundle id instead");
    }

    private static boolean isId(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    /**
     * The plugin bundles that register a plugin of the name, or declare it and register none, or
     * have it as symbolic name, oldest first.
     */
    private List<Bundle> named(String name) {
        Set<Long> pluginBundleIds = plugins.stream().filter(p -> p.name().equals(name))
                .map(PluginInfo::bundleId).collect(Collectors.toSet());
        // Plugin bundles come sorted by id, so candidates are listed oldest first.
        return pluginBundles.stream()
                .filter(b -> pluginBundleIds.contains(b.getBundleId()) || name.equals(b.getSymbolicName())
                        || declaresOnly(b, name))
                .toList();
    }

    /** Whether the bundle registers no plugin and declares one of the name (its plugin while it cannot run). */
    private boolean declaresOnly(Bundle bundle, String name) {
        return plugins.stream().noneMatch(p -> p.bundleId() == bundle.getBundleId())
                && declaredNames.apply(bundle).contains(name);
    }

    /**
     * The versions the bundle has under the name: those of its plugins of that name (what
     * plugin:list shows), and its own version when the name is its symbolic name.
     */
    private Set<Version> versions(Bundle bundle, String name) {
        Set<Version> versions = new LinkedHashSet<>();
        for (PluginInfo plugin : plugins) {
            if (plugin.bundleId() == bundle.getBundleId() && plugin.name().equals(name)) {
                try {
                    versions.add(Version.parseVersion(plugin.version()));
                } catch (IllegalArgumentException e) {
                    // The registry reports a plugin.version that is no version; it cannot be asked for.
                }
            }
        }
        // A declared plugin not registered has the bundle's version, as plugin:list shows it.
        if (name.equals(bundle.getSymbolicName()) || declaresOnly(bundle, name)) {
            versions.add(bundle.getVersion());
        }
        return versions;
    }

    private IllegalArgumentException unknown(String name) {
        Set<String> known = new TreeSet<>();
        plugins.forEach(p -> known.add(p.name()));
        pluginBundles.stream().map(Bundle::getSymbolicName).filter(Objects::nonNull).forEach(known::add);
        pluginBundles.stream().filter(b -> plugins.stream().noneMatch(p -> p.bundleId() == b.getBundleId()))
                .forEach(b -> known.addAll(declaredNames.apply(b)));
        return new IllegalArgumentException("no plugin or plugin bundle is named '" + name
                + "'; known names: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + " (or give a bundle id from plugin:list)");
    }

    private Bundle byId(String text) {
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large for a bundle id; plugin:list shows the ids");
        }
        return pluginBundles.stream().filter(b -> b.getBundleId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no plugin bundle has id " + id
                        + "; plugin bundles: " + (pluginBundles.isEmpty() ? "none" : describe(pluginBundles))));
    }

    private static String describe(Collection<Bundle> bundles) {
        return bundles.stream()
                .map(b -> b.getBundleId() + " (" + b.getSymbolicName() + " " + b.getVersion() + ")")
                .collect(Collectors.joining(", "));
    }
}
