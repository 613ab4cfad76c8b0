package io.plugboard.host.internal.deploy.throwing;

import java.util.concurrent.CountDownLatch;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a test bundle that starts a thread, then throws: a failed start that leaves a thread running. */
public final class LeakingActivator implements BundleActivator {

    /** The name of the thread it leaves; it runs until interrupted. */
    public static final String WORKER = "leaking-activator-worker";

    @Override
    public void start(BundleContext context) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Thread worker = new Thread(new Worker(running), WORKER);
        worker.setDaemon(true);
        worker.start();
        // Thrown only once the thread runs this bundle's code, as a leak the host is to see.
        running.await();
        throw new IllegalStateException("started a thread, then failed");
    }

    @Override
    public void stop(BundleContext context) {
    }

    /** Waits until interrupted. */
    public static final class Worker implements Runnable {

        private final CountDownLatch running;

        Worker(CountDownLatch running) {
            this.running = running;
        }

        @Override
        public void run() {
            running.countDown();
            Object lock = new Object();
            synchronized (lock) {
                try {
                    while (true) {
                        lock.wait();
                    }
                } catch (InterruptedException e) {
                    // Ends the thread: the test is over.
                }
            }
        }
    }
}
