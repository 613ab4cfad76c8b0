package io.plugboard.host.internal.deploy.throwing;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a test bundle that throws an exception whose message and toString throw. */
public final class UnprintableActivator implements BundleActivator {

    /** What it throws: nothing about it can be printed. */
    public static final class Unprintable extends RuntimeException {

        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage throws");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString throws");
        }
    }

    @Override
    public void start(BundleContext context) {
        throw new Unprintable();
    }

    @Override
    public void stop(BundleContext context) {
    }
}
