package io.plugboard.exiting;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import io.plugboard.api.greeter.Greeter;

/**
 * Ends the JVM as it starts, as a plugin written like a program might when its setup is missing.
 * The host rewrites the call to throw, so the integration tests expect the start to fail instead.
 */
public final class ExitingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        // Names the Greeter API, so the bundle imports io.plugboard.api.greeter and is a plugin bundle.
        System.err.println("no " + Greeter.class.getSimpleName() + " configured, exiting");
        System.exit(3);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
