package io.plugboard.host.internal.deploy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.plugboard.host.internal.state.StateLedger;
import io.plugboard.host.internal.state.StateReceipt;

/** A state ledger that records which bundles the folder said left with their jar. */
final class RecordingLedger implements StateLedger {

    final List<Long> keptAfterUninstall = new CopyOnWriteArrayList<>();

    @Override
    public void tookOverLive(String pluginName, long fromBundleId, String fromVersion, long toBundleId, int bytes) {
    }

    @Override
    public List<StateReceipt> receipts(long bundleId) {
        return List.of();
    }

    @Override
    public void keepAfterUninstall(long bundleId) {
        keptAfterUninstall.add(bundleId);
    }
}
