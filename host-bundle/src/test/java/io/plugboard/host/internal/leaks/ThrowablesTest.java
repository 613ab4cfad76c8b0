package io.plugboard.host.internal.leaks;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;

import org.junit.Test;

public class ThrowablesTest {

    /** Thrown from code loaded by a throw-away class loader, as a plugin's code is. */
    public static final class Thrower implements Runnable {
        @Override
        public void run() {
            throw new IllegalArgumentException("name must not be blank", new IllegalStateException("inner"));
        }
    }

    /** Runs {@link Thrower} in a class loader of its own; returns what it threw and a weak reference to that loader. */
    private static IllegalArgumentException throwFromOwnLoader(WeakReference<?>[] loaderOut) throws Exception {
        URL classes = Thrower.class.getProtectionDomain().getCodeSource().getLocation();
        // Parent: the platform loader, so Thrower is defined anew by this loader and not found in ours.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass(Thrower.class.getName());
            loaderOut[0] = new WeakReference<>(loader);
            try {
                ((Runnable) type.getConstructor().newInstance()).run();
                throw new AssertionError("Thrower did not throw");
            } catch (IllegalArgumentException e) {
                return e;
            } catch (InvocationTargetException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        for (int i = 0; i < 20 && reference.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return reference.get() == null;
    }

    @Test
    public void keptExceptionKeepsTheLoaderOfTheCodeThatThrewIt() throws Exception {
        WeakReference<?>[] loader = new WeakReference<?>[1];
        IllegalArgumentException kept = throwFromOwnLoader(loader);

        assertFalse("without detach, the backtrace holds the thrower's class", collected(loader[0]));
        assertEquals("name must not be blank", kept.getMessage());
    }

    @Test
    public void detachedExceptionLetsTheLoaderGoAndKeepsItsTrace() throws Exception {
        WeakReference<?>[] loader = new WeakReference<?>[1];
        IllegalArgumentException kept = throwFromOwnLoader(loader);
        StackTraceElement[] trace = kept.getStackTrace();
        Throwable cause = kept.getCause();

        Throwables.detach(kept);

        assertTrue("detached, the thrower's loader can go", collected(loader[0]));
        assertEquals("name must not be blank", kept.getMessage());
        assertSame(cause, kept.getCause());
        assertArrayEquals(trace, kept.getStackTrace());
        assertEquals(Thrower.class.getName(), kept.getStackTrace()[0].getClassName());
    }

    @Test
    public void causeCyclesAndNullAreHandled() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.addSuppressed(b);
        StackTraceElement[] trace = a.getStackTrace();

        Throwables.detach(b);
        Throwables.detach(null);

        assertSame(a, b.getCause());
        assertArrayEquals(trace, a.getStackTrace());
    }
}
