package io.plugboard.host.internal.state;

import java.util.Optional;

import org.osgi.framework.Bundle;

import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.StateHandover;

/** The state handover one plugin bundle sees: every call is made on that bundle's behalf. */
final class BundleStateHandover implements StateHandover {

    private final StateStore store;
    private final Bundle bundle;

    BundleStateHandover(StateStore store, Bundle bundle) {
        this.store = store;
        this.bundle = bundle;
    }

    @Override
    public void handOver(String pluginName, byte[] state) {
        store.handOver(owner(), pluginName, state);
    }

    @Override
    public Optional<HandedOverState> receive(String pluginName) {
        return store.receive(owner(), pluginName);
    }

    /** Read at each call: the version is the one of the revision that is running now. */
    private StateOwner owner() {
        return new StateOwner(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                bundle.getBundleId());
    }
}
