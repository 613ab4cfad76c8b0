package io.plugboard.kv.future;

import java.util.List;
import java.util.Optional;
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
 * A test fixture: a working in-memory store whose bundle imports the kv API in a version range no
 * host provides (see bnd.bnd), so it never resolves and this class never runs in a test.
 */
@Component
@PluginName("kv.future")
@PluginType(KeyValueStore.TYPE)
public final class FutureKeyValueStore implements KeyValueStore {

    private final ConcurrentSkipListMap<String, byte[]> values = new ConcurrentSkipListMap<>();

    /** Creates an empty store; DS passes the bundle's logger. */
    @Activate
    public FutureKeyValueStore(
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        logger.info("kv.future ready");
    }

    @Override
    public void put(String key, byte[] value) {
        KeyValueStore.requireValidKey(key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (key \"" + key + "\")");
        }
        values.put(key, value.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        KeyValueStore.requireValidKey(key);
        return Optional.ofNullable(values.get(key)).map(byte[]::clone);
    }

    @Override
    public boolean delete(String key) {
        return values.remove(KeyValueStore.requireValidKey(key)) != null;
    }

    @Override
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }
}
