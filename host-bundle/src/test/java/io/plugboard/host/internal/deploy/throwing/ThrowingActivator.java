package io.plugboard.host.internal.deploy.throwing;

import java.io.FileNotFoundException;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a test bundle whose start always fails, with a cause, as a plugin missing its setup would. */
public final class ThrowingActivator implements BundleActivator {

    /** What the activator throws. */
    public static final String MESSAGE = "no licence key";

    /** Where the cause says it looked. */
    public static final String ROOT_MESSAGE = "licence.txt";

    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException(MESSAGE, new FileNotFoundException(ROOT_MESSAGE));
    }

    @Override
    public void stop(BundleContext context) {
    }
}
