package io.plugboard.host.internal.state;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.log.Logger;

import io.plugboard.api.state.HandedOverState;

/**
 * The host's memory of handed-over plugin state, keyed by bundle symbolic name and plugin name.
 * State is kept until the same plugin hands over new state, so it survives an update whose new
 * version fails to start; it is dropped when the bundle that handed it over is uninstalled.
 * Plain Java (no framework), so it is unit tested directly.
 */
final class StateStore {

    private record Key(String symbolicName, String pluginName) {
    }

    // bundleId: who handed the state over, so uninstalling that bundle discards it, while an
    // update (same bundle id) does not. byte[] is a system class: no plugin class loader is pinned.
    private record Entry(String fromVersion, long bundleId, byte[] data) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Logger logger;

    StateStore(Logger logger) {
        this.logger = logger;
    }

    /** Keeps a copy of the state for the owner's next start, replacing any earlier state. */
    void handOver(StateOwner owner, String pluginName, byte[] state) {
        requireName(pluginName);
        if (state == null) {
            throw new IllegalArgumentException("state must not be null (plugin " + pluginName
                    + "); hand over an empty array to keep nothing");
        }
        Entry previous = entries.put(new Key(owner.symbolicName(), pluginName),
                new Entry(owner.version(), owner.bundleId(), state.clone()));
        logger.info("State of plugin {} handed over by {} {} (bundle {}): {} bytes{}", pluginName,
                owner.symbolicName(), owner.version(), owner.bundleId(), state.length,
                previous == null ? "" : "; replaces " + previous.data().length + " bytes from version "
                        + previous.fromVersion());
    }

    /** Returns the state the owner's bundle last handed over for the plugin; it stays kept. */
    Optional<HandedOverState> receive(StateOwner owner, String pluginName) {
        requireName(pluginName);
        Entry entry = entries.get(new Key(owner.symbolicName(), pluginName));
        if (entry == null) {
            logger.debug("No state for plugin {} to hand to {}", pluginName, owner);
            return Optional.empty();
        }
        logger.info("State of plugin {} received by {} {} (bundle {}): {} bytes from version {}", pluginName,
                owner.symbolicName(), owner.version(), owner.bundleId(), entry.data().length,
                entry.fromVersion());
        return Optional.of(new HandedOverState(entry.fromVersion(), entry.data()));
    }

    /** Drops all state the bundle handed over; called when the bundle is uninstalled. */
    void discard(long bundleId, String bundleName) {
        entries.entrySet().removeIf(e -> {
            if (e.getValue().bundleId() != bundleId) {
                return false;
            }
            logger.info("Discarded state of plugin {} ({} bytes from version {}): {} (bundle {}) was uninstalled",
                    e.getKey().pluginName(), e.getValue().data().length, e.getValue().fromVersion(), bundleName,
                    bundleId);
            return true;
        });
    }

    private static void requireName(String pluginName) {
        if (pluginName == null) {
            throw new IllegalArgumentException("plugin name must not be null");
        }
        if (pluginName.isBlank()) {
            throw new IllegalArgumentException("plugin name must not be blank (it was \"" + pluginName + "\")");
        }
    }
}
