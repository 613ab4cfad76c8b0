package io.plugboard.goplugin.internal;

import io.plugboard.api.deploy.PluginFileException;

/** Starts one instance of the plugin a descriptor describes; {@link ProcessStarter} is the real one. */
@FunctionalInterface
interface InstanceStarter {

    /**
     * Starts the plugin and returns once it serves.
     *
     * @throws PluginFileException naming the plugin and why it did not start; nothing is left running
     */
    PluginInstance start(Descriptor descriptor) throws PluginFileException;

    /**
     * Starts the plugin as {@link #start(Descriptor)} does, and runs {@code meanwhile} on the caller
     * while the plugin's process starts (or before the start, where nothing is waited for); it does
     * not run when the start fails before that.
     */
    default PluginInstance start(Descriptor descriptor, Runnable meanwhile) throws PluginFileException {
        meanwhile.run();
        return start(descriptor);
    }
}
