package io.plugboard.host.internal.deploy.hanging;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The activator of a test bundle whose start does not return until the test releases it, by
 * creating the file {@value #RELEASE} in the bundle's data area. With the header
 * {@value #HEEDS_INTERRUPT}{@code : true} an interrupt ends the start too (it throws, as
 * {@code Thread.sleep(Long.MAX_VALUE)} would); without it the interrupt is ignored.
 */
public final class HangingActivator implements BundleActivator {

    /** The data file that releases the start. */
    public static final String RELEASE = "release";

    /** The manifest header saying whether an interrupt ends the start. */
    public static final String HEEDS_INTERRUPT = "Hang-Heeds-Interrupt";

    @Override
    public void start(BundleContext context) throws InterruptedException {
        boolean heedsInterrupt = Boolean.parseBoolean(context.getBundle().getHeaders().get(HEEDS_INTERRUPT));
        while (!context.getDataFile(RELEASE).exists()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                if (heedsInterrupt) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
