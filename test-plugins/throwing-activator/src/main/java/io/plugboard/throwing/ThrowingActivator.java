package io.plugboard.throwing;

import java.io.FileNotFoundException;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import io.plugboard.api.greeter.Greeter;

/**
 * Fails every start, as a plugin whose setup is missing would: an IllegalStateException caused
 * by a FileNotFoundException. The integration tests expect both messages in the log and in
 * {@code plugin:info}.
 */
public final class ThrowingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) throws Exception {
        // Names the Greeter API, so the bundle imports io.plugboard.api.greeter and is a plugin bundle.
        throw new IllegalStateException("no licence key for " + Greeter.class.getSimpleName(),
                new FileNotFoundException("licence.txt"));
    }

    @Override
    public void stop(BundleContext context) {
    }
}
