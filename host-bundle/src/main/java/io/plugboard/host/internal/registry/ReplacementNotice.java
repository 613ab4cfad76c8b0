package io.plugboard.host.internal.registry;

import java.util.Collection;

import org.osgi.framework.Bundle;

/**
 * Told by the installer before it replaces a bundle's code, so calls wait for the new version of
 * that bundle's plugins instead of failing over to another plugin of the same type (which would,
 * for a store, send writes to the wrong place); and told when the user removed plugins on
 * purpose, so that selections of them give way. Implemented by the registry.
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

    /**
     * The user is about to remove these plugins of the bundle on purpose (uninstall them, or delete
     * their files): a type whose selection names one of them, with no plugin of that name from
     * another bundle, moves to the ordinary choice when it goes, instead of waiting for it, and
     * goes back to it when it returns. A plugin that fails, or has not started yet, is not removed:
     * calls wait for it and fail naming it.
     */
    default void removing(Collection<String> pluginNames, long bundleId) {
    }

    /** As {@link #removing(Collection, long)}, for every plugin the bundle registers now. */
    default void removing(Bundle bundle) {
    }

    /**
     * The bundle is about to be uninstalled because its jar left the plugins folder: it may be
     * back in a moment (the jar replaced by {@code rm}, then {@code cp}). A type whose selection
     * names one of its plugins keeps waiting for it (no call goes to another plugin of the type,
     * which would, for a store, take writes meant for the selected one) for the state grace
     * ({@code plugboard.state.grace.ms}); if no plugin of that name is back by then, it is as if
     * the user had removed it on purpose ({@link #removing(Collection, long)}).
     */
    default void leaving(Bundle bundle) {
        removing(bundle);
    }
}
