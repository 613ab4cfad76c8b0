package io.plugboard.host.internal.deploy.throwing;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a test bundle that throws an exception whose cause chain is a cycle. */
public final class CycleActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        RuntimeException b = new RuntimeException("b");
        RuntimeException a = new RuntimeException("a", b);
        b.initCause(a);
        throw a;
    }

    @Override
    public void stop(BundleContext context) {
    }
}
