package io.plugboard.host.internal.deploy.exiting;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a test bundle that ends the JVM as it starts, as a plugin written as a program might. */
public final class ExitingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        System.exit(3);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
