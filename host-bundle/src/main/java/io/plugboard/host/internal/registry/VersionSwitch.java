package io.plugboard.host.internal.registry;

import java.util.Optional;

import io.plugboard.api.registry.PluginInfo;

/**
 * What {@link PluginTable} does just before the plugin serving a type changes from one running
 * version of a plugin to another version of the same plugin (same name): move the state from the
 * one to the other, if both can. Called holding the table's lock, so nothing else changes the
 * type meanwhile; calls that reach the old version after it handed over wait for the new one.
 */
@FunctionalInterface
interface VersionSwitch {

    /** Switches without moving anything: for plugins that keep no state, and for tests. */
    VersionSwitch NONE = (from, fromService, to, toService, fromStays) -> Optional.empty();

    /**
     * Moves the state of {@code from} to {@code to} if both take part.
     *
     * @param fromStays whether {@code from} remains a candidate; if not, it goes (stopped,
     *        uninstalled or being updated) and {@code to} serves whatever this returns
     * @return empty when {@code to} may serve now; otherwise why it cannot take over, after
     *         {@code from} got its state back and serves again
     */
    Optional<String> handOver(PluginInfo from, Object fromService, PluginInfo to, Object toService, boolean fromStays);
}
