package io.plugboard.host.internal.leaks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.After;
import org.junit.Test;

public class ThreadScanTest {

    /** Runs until interrupted, so the test can find it in a stack trace. */
    static final class Spinner implements Runnable {
        private final CountDownLatch running = new CountDownLatch(1);

        @Override
        public void run() {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // Asked to end: end.
            }
        }
    }

    private Thread thread;

    @After
    public void stopThread() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private Thread start(Spinner spinner, String name, ClassLoader contextLoader) throws InterruptedException {
        thread = new Thread(spinner, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(contextLoader);
        thread.start();
        spinner.running.await();
        return thread;
    }

    @Test
    public void classNamesComeFromClassResourcesOnly() {
        assertEquals(Set.of("a.b.C", "a.b.C$1", "D"),
                ThreadScan.classNames(List.of("a/b/C.class", "/a/b/C$1.class", "D.class", "a/b/res.txt",
                        "a/b/package-info.class", "module-info.class", "OSGI-INF/x.xml")));
    }

    @Test
    public void threadRunningAClassOfTheSetIsFoundWithItsFrame() throws InterruptedException {
        Thread t = start(new Spinner(), "spinner", null);

        List<ThreadScan.Suspect> found = ThreadScan.find(Thread.getAllStackTraces(), Set.of(Spinner.class.getName()), null);

        assertEquals(1, found.size());
        assertEquals(t, found.get(0).thread());
        String where = found.get(0).where();
        assertTrue(where, where.startsWith("at " + Spinner.class.getName() + ".run(ThreadScanTest.java:"));
    }

    @Test
    public void threadRunningOtherClassesIsNotFound() throws InterruptedException {
        start(new Spinner(), "spinner", null);

        assertTrue(ThreadScan.find(Thread.getAllStackTraces(), Set.of("some.other.Worker"), null).isEmpty());
    }

    @Test
    public void threadWithTheLoaderAsContextClassLoaderIsFound() throws Exception {
        try (URLClassLoader pluginLoader = new URLClassLoader(new URL[0], null)) {
            Thread t = start(new Spinner(), "borrower", pluginLoader);

            List<ThreadScan.Suspect> found = ThreadScan.find(Thread.getAllStackTraces(), Set.of(), pluginLoader);

            assertEquals(1, found.size());
            assertEquals(t, found.get(0).thread());
            assertEquals("its context class loader is the plugin's", found.get(0).where());
        }
    }

    @Test
    public void theAskingThreadIsNeverASuspect() {
        assertTrue(ThreadScan.find(Thread.getAllStackTraces(), Set.of(ThreadScanTest.class.getName()), null).isEmpty());
    }

    @Test
    public void reportNamesPluginBundleThreadAndFrame() throws InterruptedException {
        Thread t = start(new Spinner(), "leaky-worker", null);
        LeakedThread leak = new LeakedThread(12, "io.plugboard.x 1.0.0", t, "at io.x.Worker.run(Worker.java:12)");

        assertEquals("plugin io.plugboard.x 1.0.0 (bundle 12) left thread 'leaky-worker' running"
                + " (at io.x.Worker.run(Worker.java:12))", leak.warning());
        assertTrue(leak.running());
        t.interrupt();
        t.join(5_000);
        assertEquals("'leaky-worker' from io.plugboard.x 1.0.0 (at io.x.Worker.run(Worker.java:12)), ended since",
                leak.summary());
    }
}
