package io.plugboard.host.internal.state;

import java.util.Objects;

/**
 * The bundle that calls the state handover, as it is at the moment of the call: an update
 * changes the version but keeps the bundle id, a reinstall changes the id.
 */
record StateOwner(String symbolicName, String version, long bundleId) {

    StateOwner {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
    }

    @Override
    public String toString() {
        return symbolicName + " " + version + ", bundle " + bundleId;
    }
}
