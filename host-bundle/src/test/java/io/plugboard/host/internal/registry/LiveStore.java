package io.plugboard.host.internal.registry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.LiveStateHandover;

/**
 * A small key-value store for the registry's tests that takes part in live handover as the
 * contract says: after handing over it refuses calls with PluginStoppedException, and it takes
 * over only state in its own format (a text line per entry under a format line), unchanged if not.
 */
final class LiveStore implements KeyValueStore, LiveStateHandover {

    private final String name;
    private final String format;
    private final TreeMap<String, String> values = new TreeMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean stopped; // guarded by lock
    volatile String tookOverFrom = "";

    /** @param format the format it writes and the only one it reads, e.g. "f1" */
    LiveStore(String name, String format) {
        this.name = name;
        this.format = format;
    }

    @Override
    public byte[] handOverLive() {
        lock.writeLock().lock();
        try {
            StringBuilder text = new StringBuilder(format).append('\n');
            values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            values.clear();
            stopped = true;
            return text.toString().getBytes(StandardCharsets.UTF_8);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void takeOverLive(HandedOverState state) {
        String[] lines = new String(state.data(), StandardCharsets.UTF_8).split("\n");
        if (!lines[0].equals(format)) {
            throw new IllegalArgumentException("state in format " + lines[0] + ", " + name + " reads only " + format);
        }
        lock.writeLock().lock();
        try {
            values.clear();
            for (int i = 1; i < lines.length; i++) {
                int eq = lines[i].indexOf('=');
                values.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
            }
            stopped = false;
            tookOverFrom = state.fromVersion();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void put(String key, byte[] value) {
        lock.readLock().lock();
        try {
            refuseIfStopped();
            synchronized (values) {
                values.put(key, new String(value, StandardCharsets.UTF_8));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        lock.readLock().lock();
        try {
            refuseIfStopped();
            synchronized (values) {
                return Optional.ofNullable(values.get(key)).map(v -> v.getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean delete(String key) {
        lock.readLock().lock();
        try {
            refuseIfStopped();
            synchronized (values) {
                return values.remove(key) != null;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<String> keys() {
        lock.readLock().lock();
        try {
            refuseIfStopped();
            synchronized (values) {
                return List.copyOf(values.keySet());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** What it holds, whether stopped or not, for the test's checks. */
    List<String> heldKeys() {
        lock.writeLock().lock();
        try {
            return List.copyOf(values.keySet());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void refuseIfStopped() {
        if (stopped) {
            throw new PluginStoppedException(name + " has handed over");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
