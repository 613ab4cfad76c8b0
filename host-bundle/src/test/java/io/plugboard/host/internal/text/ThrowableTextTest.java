package io.plugboard.host.internal.text;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.Test;

public class ThrowableTextTest {

    /** As a hostile plugin's exception: nothing about it can be printed. */
    static final class Unprintable extends RuntimeException {

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

    @Test
    public void aReadableThrowableIsWordedAsItsToString() {
        assertEquals("java.io.IOException: disk full", ThrowableText.describe(new java.io.IOException("disk full")));
    }

    @Test
    public void aToStringThatThrowsGivesTheClassAndWhatItThrew() {
        assertEquals(Unprintable.class.getName() + " (its message cannot be read: java.lang.IllegalStateException:"
                + " toString throws)", ThrowableText.describe(new Unprintable()));
    }

    @Test
    public void aCauseCycleStopsAtTheFirstCauseAlreadySeen() {
        RuntimeException b = new RuntimeException("b");
        RuntimeException a = new RuntimeException("a", b);
        b.initCause(a);

        assertSame(b, ThrowableText.root(a));
    }

    @Test
    public void aGetCauseThatThrowsEndsTheChain() {
        RuntimeException thrown = new RuntimeException("a") {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Throwable getCause() {
                throw new IllegalStateException("getCause throws");
            }
        };

        assertSame(thrown, ThrowableText.root(thrown));
        assertNull(ThrowableText.causeOf(thrown));
    }

    @Test
    public void aReadableChainIsLoggedAsItIs() {
        IllegalStateException thrown = new IllegalStateException("a", new java.io.IOException("b"));

        assertSame(thrown, ThrowableText.printable(thrown));
    }

    @Test
    public void aCycleIsLoggedAsAFiniteCopyThatPrintsAsTheJvmWould() {
        RuntimeException b = new RuntimeException("b");
        RuntimeException a = new RuntimeException("a", b);
        b.initCause(a);

        Throwable copy = ThrowableText.printable(a);

        assertEquals("java.lang.RuntimeException: a", copy.toString());
        assertEquals("java.lang.RuntimeException: b", copy.getCause().toString());
        assertEquals("[CIRCULAR REFERENCE: java.lang.RuntimeException: a]", copy.getCause().getCause().toString());
        assertNull(copy.getCause().getCause().getCause());
        assertEquals(a.getStackTrace()[0], copy.getStackTrace()[0]);
    }

    @Test
    public void anUnprintableThrowableIsLoggedAsACopyThatPrints() {
        Unprintable thrown = new Unprintable();

        Throwable copy = ThrowableText.printable(new IllegalStateException("start failed", thrown));
        StringWriter trace = new StringWriter();
        copy.printStackTrace(new PrintWriter(trace));

        assertTrue(trace.toString(), trace.toString().startsWith("java.lang.IllegalStateException: start failed"));
        assertTrue(trace.toString(), trace.toString().contains("Caused by: " + Unprintable.class.getName()
                + " (its message cannot be read: java.lang.IllegalStateException: toString throws)"));
        assertEquals(copy.getCause().getMessage(), copy.getCause().getLocalizedMessage());
    }
}
