package io.plugboard.kv.broken;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.StateHandover;

/**
 * A test fixture: a kv.memory whose activation fails after it has received the state the
 * previous version handed over, as a buggy new version would. Receiving must not use the state
 * up: the next good version still gets it.
 */
@Component(immediate = true)
@PluginName("kv.memory")
@PluginType(KeyValueStore.TYPE)
public final class BrokenKeyValueStore implements KeyValueStore {

    /** Receives the state, then fails, so DS never registers this component's service. */
    @Activate
    public BrokenKeyValueStore(@Reference(name = "stateHandover") StateHandover handover) {
        Optional<HandedOverState> state = handover.receive("kv.memory");
        throw new IllegalStateException("kv.memory 3.0.0 is a test fixture that fails to activate (it received "
                + state.map(HandedOverState::toString).orElse("no state") + ")");
    }

    @Override
    public void put(String key, byte[] value) {
        throw new UnsupportedOperationException("never activated");
    }

    @Override
    public Optional<byte[]> get(String key) {
        throw new UnsupportedOperationException("never activated");
    }

    @Override
    public boolean delete(String key) {
        throw new UnsupportedOperationException("never activated");
    }

    @Override
    public List<String> keys() {
        throw new UnsupportedOperationException("never activated");
    }
}
