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
}
