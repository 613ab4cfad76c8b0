package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** How SCR's kept failure of a component is worded in one line. */
public class ComponentFailuresTest {

    @Test
    public void theMessageOfTheExceptionWithoutItsClass() {
        assertEquals("kv.memory 3.0.0 fails", ComponentFailures.reason(
                "java.lang.IllegalStateException: kv.memory 3.0.0 fails\n\tat io.example.Broken.<init>(Broken.java:9)\n"));
    }

    @Test
    public void theRootCauseWhenScrWrappedIt() {
        assertEquals("no store", ComponentFailures.reason("org.osgi.service.component.ComponentException: "
                + "java.lang.reflect.InvocationTargetException\n\tat a.b(C.java:1)\nCaused by: "
                + "java.lang.reflect.InvocationTargetException\n\tat d.e(F.java:2)\n"
                + "Caused by: java.lang.IllegalArgumentException: no store\n\tat g.h(I.java:3)\n"));
    }

    @Test
    public void anExceptionWithoutMessageKeepsItsClass() {
        assertEquals("java.lang.NullPointerException", ComponentFailures.reason("java.lang.NullPointerException\n\tat a.b(C.java:1)"));
    }

    @Test
    public void noFailureText() {
        assertEquals("no reason given", ComponentFailures.reason(null));
        assertEquals("no reason given", ComponentFailures.reason(" "));
    }
}
