package io.plugboard.kv.memory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.PluginType;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.LiveStateHandover;
import io.plugboard.api.state.StateHandover;

/**
 * A key-value store in memory, thread-safe. When it stops (update, bundle stop) it hands its
 * entries to the host, and the next version to start takes them over, so an update loses
 * nothing; a restart of the host or an uninstall empties it. Two versions side by side hand the
 * entries from one to the other live when the host switches between them (blue/green).
 */
// Immediate: a delayed component is disposed, and its values handed over, whenever nobody holds
// the service; an immediate one keeps them as long as the component is active. Registered as a
// KeyValueStore only: LiveStateHandover is for the host, which finds it on the service object.
@Component(immediate = true, service = KeyValueStore.class)
@PluginName(MemoryKeyValueStore.NAME)
@PluginType(KeyValueStore.TYPE)
public final class MemoryKeyValueStore implements KeyValueStore, LiveStateHandover {

    static final String NAME = "kv.memory";

    // A skip list map is both concurrent and sorted, so keys() needs no sort.
    private final ConcurrentNavigableMap<String, byte[]> values = new ConcurrentSkipListMap<>();
    // Calls may still reach this instance while and after it hands over (the host retries those
    // that throw PluginStoppedException on the next version). Each call holds the read lock and
    // handing over holds the write lock, so a call either lands before the entries are written
    // out, and is handed over with them, or finds the store stopped and does nothing.
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    // Guarded by lock. stopped: refuses calls, after handing over (live, or at deactivate);
    // a live handover back to it clears it. deactivated: for good.
    private boolean stopped;
    private boolean deactivated;
    private final String version;
    // Which version this one took over from; handed on so the refresh after an update keeps it.
    // Guarded by lock once the constructor has returned.
    private String replacedVersion;
    private final Logger logger;
    private final StateHandover handover;

    /** Takes over the entries the previous version handed over, if any; DS passes the services. */
    @Activate
    public MemoryKeyValueStore(BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            @Reference(name = "stateHandover") StateHandover handover) {
        this(context.getBundle().getVersion().toString(), logger, handover);
    }

    /** Creates the store as version {@code version} of the plugin; tests pass plain values. */
    MemoryKeyValueStore(String version, Logger logger, StateHandover handover) {
        this.version = version;
        this.logger = logger;
        this.handover = handover;
        Optional<HandedOverState> state = handover.receive(NAME);
        if (state.isEmpty()) {
            this.replacedVersion = "";
            logger.info("{} {} ready with no entries: nothing was handed over", NAME, version);
            return;
        }
        String from = state.get().fromVersion();
        // The same version handing over to itself is a restart (bundle stop and start, or the
        // refresh after an update): it still replaces the version the first start replaced.
        boolean restart = from.equals(version);
        String replaced = restart ? "" : from;
        try {
            EntriesFormat.Snapshot snapshot = EntriesFormat.decode(state.get().data());
            values.putAll(snapshot.entries());
            if (restart) {
                replaced = snapshot.replacedVersion();
            }
            logger.info("{} {} took over {} entries from version {}{}", NAME, version, values.size(), from,
                    restart ? " (a restart" + (replaced.isEmpty() ? "" : "; it replaced version " + replaced) + ")" : "");
        } catch (IllegalArgumentException e) {
            // An unreadable state must not keep the store from starting: start empty, say why.
            logger.error("{} {} cannot take over the state handed over by version {}: {}; starting empty",
                    NAME, version, from, e.getMessage());
        }
        this.replacedVersion = replaced;
    }

    /** Returns the version this one replaced (its predecessor), or "" if it replaced none. */
    String replacedVersion() {
        lock.readLock().lock();
        try {
            return replacedVersion;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stops taking calls and hands the entries over to the next version; nothing if they were
     * handed over live already (this instance holds none, and handing over nothing would replace
     * what the host keeps for this bundle).
     */
    @Deactivate
    void deactivate() {
        byte[] state;
        int count;
        lock.writeLock().lock();
        try {
            boolean handedOverLive = stopped;
            stopped = true;
            deactivated = true;
            if (handedOverLive) {
                logger.info("{} {} stopped; it had handed its entries over live, so it hands over nothing", NAME,
                        version);
                return;
            }
            count = values.size();
            state = EntriesFormat.encode(replacedVersion, values);
            values.clear();
        } finally {
            lock.writeLock().unlock();
        }
        try {
            handover.handOver(NAME, state);
            logger.info("{} {} stopped and handed over {} entries ({} bytes)", NAME, version, count, state.length);
        } catch (RuntimeException e) {
            logger.error("{} {} stopped but could not hand over its {} entries: {}", NAME, version, count, e.toString());
        }
    }

    /** Stops taking calls and returns the entries, for a version running side by side. */
    @Override
    public byte[] handOverLive() {
        lock.writeLock().lock();
        try {
            if (stopped) {
                throw new IllegalStateException(NAME + " " + version + " has no entries to hand over: it "
                        + (deactivated ? "has stopped" : "handed them over already"));
            }
            byte[] state = EntriesFormat.encode(replacedVersion, values);
            stopped = true;
            logger.info("{} {} handed over {} entries live ({} bytes) and takes no more calls", NAME, version,
                    values.size(), state.length);
            values.clear();
            return state;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replaces the entries with those a version running side by side handed over, and takes calls
     * (again). Throws, changing nothing, if the state cannot be read or this instance has stopped
     * for good.
     */
    @Override
    public void takeOverLive(HandedOverState state) {
        String from = state.fromVersion();
        EntriesFormat.Snapshot snapshot;
        try {
            snapshot = EntriesFormat.decode(state.data());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + " " + version + " cannot read the state of version " + from
                    + ": " + e.getMessage(), e);
        }
        lock.writeLock().lock();
        try {
            if (deactivated) {
                throw new IllegalStateException(NAME + " " + version + " has stopped for good and takes over nothing");
            }
            values.clear();
            values.putAll(snapshot.entries());
            // Its own state back (a switch away from it failed) keeps what it replaced before.
            replacedVersion = from.equals(version) ? snapshot.replacedVersion() : from;
            stopped = false;
            logger.info("{} {} took over {} entries live from version {}", NAME, version, values.size(), from);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void put(String key, byte[] value) {
        Lock read = lockWhileRunning();
        try {
            KeyValueStore.requireValidKey(key);
            if (value == null) {
                throw new IllegalArgumentException("value must not be null (key \"" + key + "\")");
            }
            // Copy in and out, so no caller can change a stored value through its own array.
            values.put(key, value.clone());
        } finally {
            read.unlock();
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Lock read = lockWhileRunning();
        try {
            KeyValueStore.requireValidKey(key);
            return Optional.ofNullable(values.get(key)).map(byte[]::clone);
        } finally {
            read.unlock();
        }
    }

    @Override
    public boolean delete(String key) {
        Lock read = lockWhileRunning();
        try {
            KeyValueStore.requireValidKey(key);
            return values.remove(key) != null;
        } finally {
            read.unlock();
        }
    }

    @Override
    public List<String> keys() {
        Lock read = lockWhileRunning();
        try {
            return List.copyOf(values.keySet());
        } finally {
            read.unlock();
        }
    }

    /**
     * Takes the read lock and returns it, or throws before anything is done if the store has
     * stopped. (A helper rather than a lambda per call: the call path allocates nothing extra.)
     */
    private Lock lockWhileRunning() {
        Lock read = lock.readLock();
        read.lock();
        if (stopped) {
            read.unlock();
            throw new PluginStoppedException(NAME + " " + version
                    + " has stopped and handed its entries over; the call had no effect");
        }
        return read;
    }
}
