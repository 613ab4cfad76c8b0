package io.plugboard.kv.memory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.kv.KeyValueStore;

/**
 * A key-value store in memory: fast, thread-safe, and empty again whenever the component is
 * restarted (stop, update, configuration change).
 */
// Immediate: a delayed component is disposed, and its values lost, whenever nobody holds the
// service; an immediate one keeps them as long as the component is active.
@Component(immediate = true)
@PluginName("kv.memory")
@PluginType(KeyValueStore.TYPE)
public final class MemoryKeyValueStore implements KeyValueStore {

    // A skip list map is both concurrent and sorted, so keys() needs no lock and no sort.
    private final ConcurrentNavigableMap<String, byte[]> values = new ConcurrentSkipListMap<>();

    /** Creates an empty store; DS passes the bundle's logger, tests any Logger. */
    @Activate
    public MemoryKeyValueStore(
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        logger.info("kv.memory ready: values are kept in memory and lost when it stops");
    }

    @Override
    public void put(String key, byte[] value) {
        KeyValueStore.requireValidKey(key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (key \"" + key + "\")");
        }
        // Copy in and out, so no caller can change a stored value through its own array.
        values.put(key, value.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        KeyValueStore.requireValidKey(key);
        return Optional.ofNullable(values.get(key)).map(byte[]::clone);
    }

    @Override
    public boolean delete(String key) {
        KeyValueStore.requireValidKey(key);
        return values.remove(key) != null;
    }

    @Override
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }
}
