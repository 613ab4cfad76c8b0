package io.plugboard.api.state;

import java.util.Arrays;
import java.util.Objects;

/** State that a plugin handed over, and the version of the bundle that handed it over. */
public final class HandedOverState {

    private final String fromVersion;
    private final byte[] data;

    /** Creates the value; the host records the version, the plugin supplies the data. */
    public HandedOverState(String fromVersion, byte[] data) {
        this.fromVersion = Objects.requireNonNull(fromVersion, "fromVersion");
        this.data = Objects.requireNonNull(data, "data").clone();
    }

    /** Returns the bundle version of the plugin that handed the state over, e.g. {@code 1.0.0}. */
    public String fromVersion() {
        return fromVersion;
    }

    /** Returns a copy of the state, in the format the plugin chose. */
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HandedOverState that && fromVersion.equals(that.fromVersion)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * fromVersion.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HandedOverState[fromVersion=" + fromVersion + ", " + data.length + " bytes]";
    }
}
