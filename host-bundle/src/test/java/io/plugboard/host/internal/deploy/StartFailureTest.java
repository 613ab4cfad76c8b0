package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.io.IOException;

import org.junit.Test;
import org.osgi.framework.BundleException;

public class StartFailureTest {

    @Test
    public void anActivatorsExceptionIsTheReasonWithItsRootCauseAndWhereItWasThrown() {
        IOException root = new IOException("disk full");
        root.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.example.Store", "open", "Store.java", 12)});
        IllegalStateException thrown = new IllegalStateException("cannot open the store", root);
        BundleException e = new BundleException("Activator start error in bundle io.example [7].",
                BundleException.ACTIVATOR_ERROR, thrown);

        assertEquals("its activator threw java.lang.IllegalStateException: cannot open the store, caused by"
                + " java.io.IOException: disk full (at io.example.Store.open(Store.java:12))", StartFailure.reason(e));
        assertSame(thrown, StartFailure.thrownByActivator(e));
    }

    @Test
    public void anExceptionWithoutCauseIsItsOwnRoot() {
        RuntimeException thrown = new RuntimeException("boom");
        thrown.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.example.A", "start", "A.java", 3)});

        assertEquals("its activator threw java.lang.RuntimeException: boom (at io.example.A.start(A.java:3))",
                StartFailure.reason(new BundleException("Activator start error", BundleException.ACTIVATOR_ERROR, thrown)));
    }

    @Test
    public void otherFailuresKeepTheFrameworksMessage() {
        BundleException unresolved = new BundleException("Unable to resolve io.example [7]: missing requirement",
                BundleException.RESOLVE_ERROR);

        assertEquals("Unable to resolve io.example [7]: missing requirement", StartFailure.reason(unresolved));
        assertNull(StartFailure.thrownByActivator(unresolved));
        assertEquals("Bundle io.example is uninstalled",
                StartFailure.reason(new IllegalStateException("Bundle io.example is uninstalled")));
    }

    @Test
    public void anActivatorsExceptionThatCannotBePrintedIsStillTheReason() {
        RuntimeException thrown = new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                throw new IllegalStateException("getMessage throws");
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString throws");
            }
        };
        thrown.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.example.A", "start", "A.java", 3)});

        assertEquals("its activator threw " + thrown.getClass().getName() + " (its message cannot be read:"
                + " java.lang.IllegalStateException: toString throws) (at io.example.A.start(A.java:3))",
                StartFailure.reason(new BundleException("Activator start error", BundleException.ACTIVATOR_ERROR, thrown)));
    }

    @Test
    public void aCauseCycleIsWordedUpToTheFirstCauseAlreadySeen() {
        RuntimeException b = new RuntimeException("b");
        RuntimeException a = new RuntimeException("a", b);
        b.initCause(a);
        b.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.example.A", "start", "A.java", 3)});

        assertEquals("its activator threw java.lang.RuntimeException: a, caused by java.lang.RuntimeException: b"
                + " (at io.example.A.start(A.java:3))",
                StartFailure.reason(new BundleException("Activator start error", BundleException.ACTIVATOR_ERROR, a)));
    }
}
