package io.plugboard.host.internal.registry;

import java.util.Collection;
import java.util.Set;

import org.osgi.framework.Bundle;

/**
 * Told by the installer before it replaces a bundle's code, so calls wait for the new version of
 * that bundle's plugins instead of failing over to another plugin of the same type (which would,
 * for a store, send writes to the wrong place); and told when the user removed plugins on
 * purpose, so that selections of them end. Implemented by the registry.
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

    /** The names of the plugins the bundle registers now (to pass to {@link #removed} once it is gone). */
    default Set<String> pluginNames(Bundle bundle) {
        return Set.of();
    }

    /**
     * The user removed these plugins on purpose (uninstalled them, or deleted their files): a
     * selection of a type that names one of them, with no plugin of that name left, ends (also in
     * Configuration Admin), and the type goes back to the ordinary choice. A plugin that failed or
     * has not started yet is not removed: its selection stays, and calls wait for it.
     */
    default void removed(Collection<String> pluginNames) {
    }
}
