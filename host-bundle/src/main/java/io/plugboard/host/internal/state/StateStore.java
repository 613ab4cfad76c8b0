package io.plugboard.host.internal.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * the bundle is uninstalled ({@link #discard}). A bundle installed side by side with another of
 * the same symbolic name never receives the other's state: that moves only live, and
 * {@link #tookOverLive} records it.
 *
 * <p>A bundle uninstalled because its jar left the plugins folder may be back in a moment (the
 * jar replaced by {@code rm} then {@code cp}): its state is then kept ({@link #keepForGrace}) for
 * the grace, by symbolic name and plugin name, and the first bundle of that symbolic name to ask
 * for it within the grace receives it; after the grace it is dropped ({@link #expire}).
 * The store also keeps, per bundle, what its plugins took over, for {@code plugin:info}.
 * Plain Java (no framework), so it is unit tested directly.
 */
final class StateStore {

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

    private record OrphanKey(String symbolicName, String pluginName) {
    }

    /** State of an uninstalled bundle, kept for a bundle of its symbolic name until {@code until}. */
    private record Orphan(long bundleId, String bundleName, Entry entry, Instant until) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<ReceiptKey, StateReceipt> receipts = new ConcurrentHashMap<>();
    private final Map<OrphanKey, Orphan> orphans = new ConcurrentHashMap<>();
    private final Logger logger;
    private final Clock clock;
    private final Duration grace;

    StateStore(Logger logger, Duration grace) {
        this(logger, Clock.systemUTC(), grace);
    }

    /** A store whose receipts and grace are timed by the clock; tests pass one they move. */
    StateStore(Logger logger, Clock clock, Duration grace) {
        this.logger = logger;
        this.clock = clock;
        this.grace = grace;
    }

    /** How long the state of a bundle whose jar left the plugins folder is kept for its return. */
    Duration grace() {
        return grace;
    }

    /** Keeps a copy of the state for the owner's next start, replacing any earlier state. */
    void handOver(StateOwner owner, String pluginName, byte[] state) {
        requireName(pluginName);
        if (state == null) {
            throw new IllegalArgumentException("state must not be null (plugin " + pluginName
                    + "); hand over an empty array to keep nothing");
        }
        Entry previous = entries.put(key(owner, pluginName), new Entry(owner.version(), state.clone()));
        // Newer than any state a bundle of this name left behind: that one must not be received later.
        Orphan superseded = orphans.remove(new OrphanKey(owner.symbolicName(), pluginName));
        if (superseded != null) {
            logger.info("Dropped the kept state of plugin {} of uninstalled bundle {} ({} bytes from version {}):"
                    + " {} handed over newer state", pluginName, superseded.bundleId(),
                    superseded.entry().data().length, superseded.entry().fromVersion(), owner);
        }
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
            return receiveKept(owner, pluginName);
        }
        logger.info("State of plugin {} received by {} {} (bundle {}): {} bytes from version {}", pluginName,
                owner.symbolicName(), owner.version(), owner.bundleId(), entry.data().length,
                entry.fromVersion());
        StateReceipt receipt = new StateReceipt(pluginName, entry.fromVersion(), owner.bundleId(),
                entry.data().length, StateReceipt.How.UPDATE, clock.instant());
        if (entry.fromVersion().equals(owner.version())) {
            receipts.putIfAbsent(new ReceiptKey(owner.bundleId(), pluginName), receipt);
        } else {
            receipts.put(new ReceiptKey(owner.bundleId(), pluginName), receipt);
        }
        return Optional.of(new HandedOverState(entry.fromVersion(), entry.data()));
    }

    /**
     * Hands the owner the state an uninstalled bundle of its symbolic name left for the plugin,
     * if it is still within the grace; the owner's bundle keeps it from now on, as its own.
     */
    private Optional<HandedOverState> receiveKept(StateOwner owner, String pluginName) {
        expire();
        Orphan orphan = orphans.remove(new OrphanKey(owner.symbolicName(), pluginName));
        if (orphan == null) {
            logger.debug("No state for plugin {} to hand to {}", pluginName, owner);
            return Optional.empty();
        }
        Entry entry = orphan.entry();
        entries.put(key(owner, pluginName), entry);
        logger.info("State of plugin {} received by {} {} (bundle {}): {} bytes from version {}, kept since {}"
                + " (bundle {}) left with its jar", pluginName, owner.symbolicName(), owner.version(),
                owner.bundleId(), entry.data().length, entry.fromVersion(), orphan.bundleName(), orphan.bundleId());
        receipts.put(new ReceiptKey(owner.bundleId(), pluginName), new StateReceipt(pluginName, entry.fromVersion(),
                orphan.bundleId(), entry.data().length, StateReceipt.How.REINSTALL, clock.instant()));
        return Optional.of(new HandedOverState(entry.fromVersion(), entry.data()));
    }

    /**
     * The bundle was uninstalled because its jar left the plugins folder: keeps the state it
     * handed over for the grace, for the next bundle of its symbolic name (the jar put back),
     * and drops its receipts. With no grace, discards it as {@link #discard} does.
     */
    void keepForGrace(long bundleId, String symbolicName, String bundleName) {
        if (grace.isZero() || grace.isNegative()) {
            discard(bundleId, bundleName);
            return;
        }
        expire();
        receipts.keySet().removeIf(key -> key.bundleId() == bundleId);
        Instant until = clock.instant().plus(grace);
        entries.entrySet().removeIf(e -> {
            if (e.getKey().bundleId() != bundleId) {
                return false;
            }
            String pluginName = e.getKey().pluginName();
            orphans.put(new OrphanKey(symbolicName, pluginName), new Orphan(bundleId, bundleName, e.getValue(), until));
            logger.info("Keeping the state of plugin {} ({} bytes from version {}) for {} ms: {} (bundle {}) was"
                    + " uninstalled as its jar left the plugins folder; a bundle {} installed by then receives it",
                    pluginName, e.getValue().data().length, e.getValue().fromVersion(), grace.toMillis(), bundleName,
                    bundleId, symbolicName);
            return true;
        });
    }

    /** Drops the kept state of uninstalled bundles whose grace is over. */
    void expire() {
        Instant now = clock.instant();
        orphans.entrySet().removeIf(e -> {
            Orphan orphan = e.getValue();
            if (now.isBefore(orphan.until())) {
                return false;
            }
            logger.info("Discarded state of plugin {} ({} bytes from version {}): {} (bundle {}) left with its jar"
                    + " and no bundle {} came back within {} ms", e.getKey().pluginName(),
                    orphan.entry().data().length, orphan.entry().fromVersion(), orphan.bundleName(),
                    orphan.bundleId(), e.getKey().symbolicName(), grace.toMillis());
            return true;
        });
    }

    /** As {@link StateLedger#tookOverLive}. */
    void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes) {
        requireName(pluginName);
        receipts.put(new ReceiptKey(toBundleId, pluginName),
                new StateReceipt(pluginName, fromVersion, fromBundleId, bytes, StateReceipt.How.LIVE, clock.instant()));
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

    /** As {@link StateLedger#receipts}. */
    List<StateReceipt> receipts(long bundleId) {
        return receipts.entrySet().stream().filter(e -> e.getKey().bundleId() == bundleId)
                .map(Map.Entry::getValue).sorted(Comparator.comparing(StateReceipt::pluginName)).toList();
    }

    /**
     * Drops all state the bundle handed over, and its receipts; called when the bundle is
     * uninstalled on purpose ({@code plugin:uninstall}, the shell's {@code uninstall}).
     */
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
