package io.plugboard.kv.future;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.kv.KeyValueStore;

/**
 * A test fixture: a kv plugin whose bundle imports the kv API in a version range no host provides
 * (see bnd.bnd), so it never resolves and this class never runs; it exists only so tests can check
 * how the host reports a plugin whose imports cannot be satisfied.
 */
@Component
@PluginName("kv.future")
@PluginType(KeyValueStore.TYPE)
public final class FutureKeyValueStore implements KeyValueStore {

    private static final String NEVER_RESOLVES = "kv.future is a test fixture that never resolves";

    @Override
    public void put(String key, byte[] value) {
        throw new UnsupportedOperationException(NEVER_RESOLVES);
    }

    @Override
    public Optional<byte[]> get(String key) {
        throw new UnsupportedOperationException(NEVER_RESOLVES);
    }

    @Override
    public boolean delete(String key) {
        throw new UnsupportedOperationException(NEVER_RESOLVES);
    }

    @Override
    public List<String> keys() {
        throw new UnsupportedOperationException(NEVER_RESOLVES);
    }
}
