package io.plugboard.host.internal.commands;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;

import io.plugboard.api.registry.PluginInfo;

/**
 * Finds the plugin bundle a user means by {@code <name-or-id>}: a bundle id, a plugin name or a
 * bundle symbolic name. Only plugin bundles are candidates, so a typo cannot reach the framework
 * or the host.
 */
final class BundleLookup {

    private final List<Bundle> pluginBundles;
    private final List<PluginInfo> plugins;

    BundleLookup(List<Bundle> pluginBundles, List<PluginInfo> plugins) {
        this.pluginBundles = pluginBundles;
        this.plugins = plugins;
    }

    /**
     * Returns the one bundle the text names.
     *
     * @throws IllegalArgumentException when no bundle or several match, listing the candidates
     */
    Bundle find(String nameOrId) {
        if (!nameOrId.isEmpty() && nameOrId.chars().allMatch(Character::isDigit)) {
            return byId(nameOrId);
        }
        Set<Long> pluginBundleIds = plugins.stream().filter(p -> p.name().equals(nameOrId))
                .map(PluginInfo::bundleId).collect(Collectors.toSet());
        // Plugin bundles come sorted by id, so candidates are listed oldest first.
        List<Bundle> matches = pluginBundles.stream()
                .filter(b -> pluginBundleIds.contains(b.getBundleId()) || nameOrId.equals(b.getSymbolicName()))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            Set<String> known = new TreeSet<>();
            plugins.forEach(p -> known.add(p.name()));
            pluginBundles.stream().map(Bundle::getSymbolicName).filter(Objects::nonNull).forEach(known::add);
            throw new IllegalArgumentException("no plugin or plugin bundle is named '" + nameOrId
                    + "'; known names: " + (known.isEmpty() ? "none" : String.join(", ", known))
                    + " (or give a bundle id from plugin:list)");
        }
        throw new IllegalArgumentException("'" + nameOrId + "' matches " + matches.size() + " bundles: "
                + describe(matches) + "; give the bundle id instead");
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
