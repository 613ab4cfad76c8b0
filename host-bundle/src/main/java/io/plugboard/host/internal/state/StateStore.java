package io.plugboard.host.internal.state;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.log.Logger;

import io.plugboard.api.state.HandedOverState;

/**
 * The host's memory of handed-over plugin state, keyed by bundle (id and symbolic name) and
 * plugin name. State is kept until the same plugin of the same bundle hands over new state, so it
 * survives an update (which keeps the bundle) whose new version fails to start; it is dropped when
 * the bundle is uninstalled. A bundle installed side by side with another of the same symbolic
 * name never receives the other's state: that moves only live, and {@link #tookOverLive} records it.
 * The store also keeps, per bundle, what its plugins took over, for {@code plugin:info}.
 * Plain Java (no framework), so it is unit tested directly.
 */
final class StateStore implements StateLedger {

    private record Key(long bundleId, String symbolicName, String pluginName) {

        // Written out: the generated ones bootstrap ObjectMethods through invokedynamic on first
        // use, spinning method-handle classes the class archive cannot keep (start-up time).
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && bundleId == other.bundleId && Objects.equals(symbolicName, other.symbolicName)
                    && Objects.equals(pluginName, other.pluginName);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(bundleId) * 31 + Objects.hashCode(symbolicName)) * 31 + Objects.hashCode(pluginName);
        }
    }

    // byte[] is a system class: no plugin class loader is pinned.
    private record Entry(String fromVersion, byte[] data) {
    }

    private record ReceiptKey(long bundleId, String pluginName) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<ReceiptKey, StateReceipt> receipts = new ConcurrentHashMap<>();
    private final Logger logger;
    private final Clock clock;

    StateStore(Logger logger) {
        this(logger, Clock.systemUTC());
    }

    /** A store whose receipts are timed by the clock; tests pass a fixed one. */
    StateStore(Logger logger, Clock clock) {
        this.logger = logger;
        this.clock = clock;
    }

    /** Keeps a copy of the state for the owner's next start, replacing any earlier state. */
    void handOver(StateOwner owner, String pluginName, byte[] state) {
        requireName(pluginName);
        if (state == null) {
            throw new IllegalArgumentException("state must not be null (plugin " + pluginName
                    + "); hand over an empty array to keep nothing");
        }
        Entry previous = entries.put(key(owner, pluginName), new Entry(owner.version(), state.clone()));
        logger.info("State of plugin {} handed over by {} {} (bundle {}): {} bytes{}", pluginName,
                owner.symbolicName(), owner.version(), owner.bundleId(), state.length,
                previous == null ? "" : "; replaces " + previous.data().length + " bytes from version "
                        + previous.fromVersion());
    }

    /**
     * Returns the state the owner's bundle last handed over for the plugin; it stays kept. Records
     * the receipt, unless the owner's own version handed it over (a restart) and an earlier
     * receipt says which version it really replaced.
     */
    Optional<HandedOverState> receive(StateOwner owner, String pluginName) {
        requireName(pluginName);
        Entry entry = entries.get(key(owner, pluginName));
        if (entry == null) {
            logger.debug("No state for plugin {} to hand to {}", pluginName, owner);
            return Optional.empty();
        }
        logger.info("State of plugin {} received by {} {} (bundle {}): {} bytes from version {}", pluginName,
                owner.symbolicName(), owner.version(), owner.bundleId(), entry.data().length,
                entry.fromVersion());
        StateReceipt receipt = new StateReceipt(pluginName, entry.fromVersion(), owner.bundleId(),
                entry.data().length, false, clock.instant());
        if (entry.fromVersion().equals(owner.version())) {
            receipts.putIfAbsent(new ReceiptKey(owner.bundleId(), pluginName), receipt);
        } else {
            receipts.put(new ReceiptKey(owner.bundleId(), pluginName), receipt);
        }
        return Optional.of(new HandedOverState(entry.fromVersion(), entry.data()));
    }

    @Override
    public void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes) {
        requireName(pluginName);
        receipts.put(new ReceiptKey(toBundleId, pluginName),
                new StateReceipt(pluginName, fromVersion, fromBundleId, bytes, true, clock.instant()));
        entries.entrySet().removeIf(e -> {
            if (e.getKey().bundleId() != fromBundleId || !e.getKey().pluginName().equals(pluginName)) {
                return false;
            }
            logger.info("Dropped the stored state of plugin {} of bundle {} ({} bytes from version {}): "
                    + "it handed newer state to bundle {} live", pluginName, fromBundleId, e.getValue().data().length,
                    e.getValue().fromVersion(), toBundleId);
            return true;
        });
    }

    @Override
    public List<StateReceipt> receipts(long bundleId) {
        return receipts.entrySet().stream().filter(e -> e.getKey().bundleId() == bundleId)
                .map(Map.Entry::getValue).sorted(Comparator.comparing(StateReceipt::pluginName)).toList();
    }

    /** Drops all state the bundle handed over, and its receipts; called when the bundle is uninstalled. */
    void discard(long bundleId, String bundleName) {
        receipts.keySet().removeIf(key -> key.bundleId() == bundleId);
        entries.entrySet().removeIf(e -> {
            if (e.getKey().bundleId() != bundleId) {
                return false;
            }
            logger.info("Discarded state of plugin {} ({} bytes from version {}): {} (bundle {}) was uninstalled",
                    e.getKey().pluginName(), e.getValue().data().length, e.getValue().fromVersion(), bundleName,
                    bundleId);
            return true;
        });
    }

    private static Key key(StateOwner owner, String pluginName) {
        return new Key(owner.bundleId(), owner.symbolicName(), pluginName);
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
