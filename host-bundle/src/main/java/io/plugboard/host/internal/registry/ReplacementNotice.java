package io.plugboard.host.internal.registry;

import org.osgi.framework.Bundle;

/**
 * Told by the installer before it replaces a bundle's code, so calls wait for the new version of
 * that bundle's plugins instead of failing over to another plugin of the same type (which would,
 * for a store, send writes to the wrong place). Implemented by the registry.
 */
public interface ReplacementNotice {

    /** Ends the notice; closing twice does nothing more. */
    interface Replacement extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Makes every type whose active plugin comes from the bundle wait for a plugin of the same
     * name until the returned notice is closed; then the ordinary choice applies again.
     */
    Replacement replacing(Bundle bundle);
}
