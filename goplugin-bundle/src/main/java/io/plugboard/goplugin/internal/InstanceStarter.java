package io.plugboard.goplugin.internal;

import java.util.Objects;

import io.plugboard.api.deploy.PluginFileException;

/** Starts one instance of the plugin a descriptor describes; {@link ProcessStarter} is the real one. */
@FunctionalInterface
interface InstanceStarter {

    /**
     * Work the caller of a start does on its own thread while it would otherwise only wait for the
     * plugin: neither runs when the start fails before its point.
     *
     * @param whileLaunching runs while the plugin's process starts, before its handshake is waited for
     * @param whileConnecting runs once the plugin's handshake was accepted and its channel connects,
     *        before the answer of its readiness check is waited for; when the start fails after
     *        it, the caller undoes what it did
     */
    record Steps(Runnable whileLaunching, Runnable whileConnecting) {

        /** Nothing to do meanwhile. */
        static final Steps NONE = new Steps(() -> { }, () -> { });

        public Steps {
            Objects.requireNonNull(whileLaunching, "whileLaunching");
            Objects.requireNonNull(whileConnecting, "whileConnecting");
        }
    }

    /**
     * Starts the plugin and returns once it serves.
     *
     * @throws PluginFileException naming the plugin and why it did not start; nothing is left running
     */
    PluginInstance start(Descriptor descriptor) throws PluginFileException;

    /**
     * Starts the plugin as {@link #start(Descriptor)} does, running the steps on the caller where
     * it waits for the plugin (or around the start, where nothing is waited for). What a step
     * throws fails the start and is thrown as it is, once nothing is left running.
     */
    default PluginInstance start(Descriptor descriptor, Steps steps) throws PluginFileException {
        steps.whileLaunching().run();
        PluginInstance instance = start(descriptor);
        try {
            steps.whileConnecting().run();
        } catch (RuntimeException e) {
            instance.kill();
            instance.release();
            throw e;
        }
        return instance;
    }
}
