package io.plugboard.host.internal.deploy;

import org.osgi.framework.Bundle;

/** How bundles are named in messages and log lines. */
final class BundleNames {

    private BundleNames() {
    }

    /** {@code io.plugboard.greeter-en 1.0.0, bundle 7}. */
    static String describe(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + ", bundle " + bundle.getBundleId();
    }
}
