package io.plugboard.host.internal.registry;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.osgi.framework.Version;

import io.plugboard.api.registry.PluginInfo;
import io.plugboard.host.internal.text.VersionText;

/**
 * Which plugin should serve a type: a name, and optionally one exact version of it (pinned with
 * {@code plugin:use <type> <name> <version>}); without a version the newest of that name serves.
 * The name is a requirement (no other plugin serves the type while it is absent: not started yet,
 * failed, its update did not activate), unless the user removed that plugin on purpose: then the
 * selection is {@code away}, the ordinary choice serves, and the plugin serves again when it comes
 * back. The version is a preference (another version of the name serves while the pinned one is
 * absent).
 *
 * @param name the plugin name
 * @param version the pinned version, or null for the newest
 * @param away whether the user removed the selected plugin (uninstalled it, deleted its file)
 */
record Selection(String name, Version version, boolean away) {

    /** A selection whose plugin was not removed. */
    Selection(String name, Version version) {
        this(name, version, false);
    }

    /** The same selection, away or back. */
    Selection away(boolean removed) {
        return new Selection(name, version, removed);
    }

    /**
     * The plugin that wins when nothing is selected: highest ranking, newest version, first
     * arrived (a replaced plugin keeps the arrival of the one it replaced), oldest service.
     */
    static final Comparator<PluginCandidate> PREFERENCE = Comparator
            .comparingInt(PluginCandidate::ranking).reversed()
            .thenComparing(PluginCandidate::version, Comparator.reverseOrder())
            .thenComparingLong(PluginCandidate::arrival)
            .thenComparingLong(PluginCandidate::serviceId);

    /**
     * Picks the plugin that serves a type, or null when none may.
     *
     * @param selection the selection of the type, or null
     * @param heldName while the type's plugin is being updated, its name: only a plugin of that
     *        name may serve (never another plugin of the type, which would, say, send writes to
     *        another store); null otherwise
     */
    static PluginCandidate pick(List<PluginCandidate> ofType, Selection selection, String heldName) {
        // Strict, unlike a selection: while held, no plugin of the name means the type waits.
        List<PluginCandidate> pool = heldName == null ? ofType
                : ofType.stream().filter(c -> c.name().equals(heldName)).toList();
        if (selection != null) {
            List<PluginCandidate> named = pool.stream().filter(c -> c.name().equals(selection.name())).toList();
            if (named.isEmpty() && !selection.away()) {
                // Strict by name: while the selected plugin is absent (not started yet, failed),
                // the type waits for it. Another plugin of the type would, say, take writes meant
                // for another store, and nobody would notice.
                return null;
            }
            if (named.isEmpty()) {
                named = pool; // removed on purpose: the ordinary choice serves until it is back
            }
            if (named != pool && selection.version() != null) {
                named = narrow(named, c -> c.version().equals(selection.version()));
            }
            pool = named;
        }
        return pool.stream().min(PREFERENCE).orElse(null);
    }

    /**
     * Of two candidates, the one {@link #pick} would choose if they were the only ones (no hold):
     * the pinned version of the selected name first, then any version of that name, then the
     * {@link #PREFERENCE}. The same order as pick's, so the pick of a set plus one more plugin is
     * the preferred of the set's pick and the newcomer.
     */
    static PluginCandidate preferred(PluginCandidate a, PluginCandidate b, Selection selection) {
        int order = Integer.compare(rank(a, selection), rank(b, selection));
        if (order == 0) {
            order = PREFERENCE.compare(a, b);
        }
        return order <= 0 ? a : b;
    }

    /** 0: the selected name at the pinned version; 1: the selected name; 2: anything else. */
    private static int rank(PluginCandidate candidate, Selection selection) {
        if (selection == null || !candidate.name().equals(selection.name())) {
            return 2;
        }
        return selection.version() != null && candidate.version().equals(selection.version()) ? 0 : 1;
    }

    /** Returns the candidates that match, or all of them when none does: a pinned version is a preference. */
    private static List<PluginCandidate> narrow(List<PluginCandidate> pool, Predicate<PluginCandidate> matches) {
        List<PluginCandidate> matching = pool.stream().filter(matches).toList();
        return matching.isEmpty() ? pool : matching;
    }

    /**
     * Returns the version, parsed, when that version of the named plugin is among the plugins.
     *
     * @throws IllegalArgumentException naming the versions installed
     */
    static Version installedVersion(List<PluginInfo> plugins, String name, String version) {
        Version wanted = VersionText.parse(version);
        List<String> installed = plugins.stream().filter(p -> p.name().equals(name))
                .map(PluginInfo::version).toList();
        if (!installed.contains(wanted.toString())) {
            throw new IllegalArgumentException(VersionText.notInstalled(version, name, installed));
        }
        return wanted;
    }
}
