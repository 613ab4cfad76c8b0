package io.plugboard.kv.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.StateHandover;

/**
 * A plain StateHandover for unit tests, standing in for the host's: it keeps what each plugin
 * handed over, recorded as coming from {@link #version}, which a test sets to the version of
 * the store that will hand over next.
 */
final class TestHandover implements StateHandover {

    private final Map<String, HandedOverState> states = new ConcurrentHashMap<>();
    volatile String version = "1.0.0";

    @Override
    public void handOver(String pluginName, byte[] state) {
        states.put(pluginName, new HandedOverState(version, state));
    }

    @Override
    public Optional<HandedOverState> receive(String pluginName) {
        return Optional.ofNullable(states.get(pluginName));
    }

    /** Puts state there as if version {@code fromVersion} had handed it over. */
    void preset(String pluginName, String fromVersion, byte[] state) {
        states.put(pluginName, new HandedOverState(fromVersion, state));
    }
}
