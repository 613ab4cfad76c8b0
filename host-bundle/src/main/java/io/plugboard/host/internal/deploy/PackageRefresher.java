package io.plugboard.host.internal.deploy;

import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Refreshes packages and waits until the framework has finished, so that a caller of update or
 * uninstall sees the new code (and the old class loader can be collected) when the call returns.
 */
final class PackageRefresher {

    private final BundleContext context;
    private final long timeoutMillis;

    PackageRefresher(BundleContext context, long timeoutMillis) {
        this.context = context;
        this.timeoutMillis = timeoutMillis;
    }

    /** Refreshes the bundles (and everything wired to them); false if it did not finish in time. */
    boolean refresh(Collection<Bundle> bundles) {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        try {
            // Bounded: if the refresh restarts the host itself, whoever called us may be stopped
            // by that same refresh, and must not wait for it forever.
            return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
