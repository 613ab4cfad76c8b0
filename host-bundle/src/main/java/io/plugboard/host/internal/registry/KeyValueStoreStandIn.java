package io.plugboard.host.internal.registry;

import java.util.List;
import java.util.Optional;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.kv.KeyValueStore;

/**
 * The stand-in for the active {@link KeyValueStore}: written by hand, not a proxy, so a call is
 * one volatile read, a type check and the plugin's own call, which the JIT can inline. Anything
 * else (no plugin, a stopped instance) takes {@link TypeSlot#call}.
 */
final class KeyValueStoreStandIn implements KeyValueStore {

    private final TypeSlot slot;

    KeyValueStoreStandIn(TypeSlot slot) {
        this.slot = slot;
    }

    @Override
    public void put(String key, byte[] value) {
        if (slot.target() instanceof KeyValueStore target) {
            try {
                target.put(key, value);
                return;
            } catch (PluginStoppedException e) {
                slot.call(KeyValueStore.class, target, s -> putOn(s, key, value));
                return;
            }
        }
        slot.call(KeyValueStore.class, null, s -> putOn(s, key, value));
    }

    @Override
    public Optional<byte[]> get(String key) {
        if (slot.target() instanceof KeyValueStore target) {
            try {
                return target.get(key);
            } catch (PluginStoppedException e) {
                return slot.call(KeyValueStore.class, target, s -> s.get(key));
            }
        }
        return slot.call(KeyValueStore.class, null, s -> s.get(key));
    }

    @Override
    public boolean delete(String key) {
        if (slot.target() instanceof KeyValueStore target) {
            try {
                return target.delete(key);
            } catch (PluginStoppedException e) {
                return slot.call(KeyValueStore.class, target, s -> s.delete(key));
            }
        }
        return slot.call(KeyValueStore.class, null, s -> s.delete(key));
    }

    @Override
    public List<String> keys() {
        if (slot.target() instanceof KeyValueStore target) {
            try {
                return target.keys();
            } catch (PluginStoppedException e) {
                return slot.call(KeyValueStore.class, target, KeyValueStore::keys);
            }
        }
        return slot.call(KeyValueStore.class, null, KeyValueStore::keys);
    }

    @Override
    public String toString() {
        return slot.toString();
    }

    private static Void putOn(KeyValueStore store, String key, byte[] value) {
        store.put(key, value);
        return null;
    }
}
