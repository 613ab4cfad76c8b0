package io.plugboard.hanging;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import io.plugboard.api.greeter.Greeter;

/**
 * Never returns from its start (unless interrupted), as a plugin waiting for a server that never
 * answers would. The runtime must still reach its shell, and go on with the other plugins.
 */
public final class HangingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) throws InterruptedException {
        // Names the Greeter API, so the bundle imports io.plugboard.api.greeter and is a plugin bundle.
        context.getBundle().getHeaders().get(Greeter.class.getSimpleName());
        Thread.sleep(Long.MAX_VALUE);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
