package io.plugboard.host.internal.weaving;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.junit.Test;
import org.objectweb.asm.ClassReader;

/** The rewriting on the test build's own class files, run in a class loader of their own. */
public class ExitCallRewriterTest {

    private static final String WHO = "io.x 1.0.0 (bundle 26)";

    @Test
    public void eachWayToEndTheJvmThrowsNamingThePluginTheCallAndTheCode() throws Exception {
        Class<?> exiter = rewritten(Exiter.class);

        assertEquals(WHO + " called System.exit(3); a plugin may not end the host", thrownBy(exiter, "systemExit", 3));
        assertEquals(WHO + " called Runtime.exit(4); a plugin may not end the host", thrownBy(exiter, "runtimeExit", 4));
        assertEquals(WHO + " called Runtime.halt(5); a plugin may not end the host", thrownBy(exiter, "runtimeHalt", 5));
    }

    @Test
    public void methodReferencesToTheExitMethodsThrowToo() throws Exception {
        Class<?> exiter = rewritten(Exiter.class);

        assertEquals(WHO + " called System.exit(6); a plugin may not end the host",
                thrownBy(exiter, "systemExitReference", 6));
        assertEquals(WHO + " called Runtime.halt(7); a plugin may not end the host",
                thrownBy(exiter, "boundRuntimeHaltReference", 7));
        assertEquals(WHO + " called Runtime.exit(8); a plugin may not end the host",
                thrownBy(exiter, "runtimeExitReference", 8));
    }

    @Test
    public void theStackTraceStartsAtThePluginsCall() throws Exception {
        Class<?> exiter = rewritten(Exiter.class);
        Method method = exiter.getMethod("systemExit", int.class);

        Throwable thrown = assertThrows(InvocationTargetException.class, () -> method.invoke(null, 3)).getCause();

        StackTraceElement top = thrown.getStackTrace()[0];
        assertEquals(Exiter.class.getName(), top.getClassName());
        assertEquals("systemExit", top.getMethodName());
    }

    @Test
    public void codeAroundTheCallStillVerifiesAndRuns() throws Exception {
        Method method = rewritten(Exiter.class).getMethod("exitUnless", boolean.class, int.class);

        assertEquals(6, method.invoke(null, true, 4));
        assertEquals(WHO + " called System.exit(4); a plugin may not end the host", thrownBy(method, false, 4));
    }

    @Test
    public void anInterfacesStaticMethodThrowsToo() throws Exception {
        Method quit = rewritten(Exiter.Quitter.class).getMethod("quit", int.class);

        assertEquals(WHO + " called System.exit(9); a plugin may not end the host", thrownBy(quit, 9));
    }

    @Test
    public void aClassThatCallsNoExitMethodIsToldApart() throws Exception {
        byte[] plain = classFile(Plain.class);

        assertFalse("its own methods named exit and halt are not the JVM's", ExitCallRewriter.callsExit(new ClassReader(plain)));
        assertTrue(ExitCallRewriter.callsExit(new ClassReader(classFile(Exiter.class))));
    }

    private static String thrownBy(Class<?> type, String name, int code) throws Exception {
        return thrownBy(type.getMethod(name, int.class), code);
    }

    private static String thrownBy(Method method, Object... arguments) {
        Throwable thrown = assertThrows(InvocationTargetException.class, () -> method.invoke(null, arguments)).getCause();
        assertEquals(SecurityException.class, thrown.getClass());
        return thrown.getMessage();
    }

    /** The class rewritten and defined in a loader of its own (its nest host too, for a nested class). */
    private static Class<?> rewritten(Class<?> type) throws Exception {
        ClassReader reader = new ClassReader(classFile(type));
        assertTrue(type + " calls System.exit", ExitCallRewriter.callsExit(reader));
        byte[] bytes = ExitCallRewriter.rewrite(reader, WHO);
        return new ClassLoader(ExitCallRewriterTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(type.getName(), bytes, 0, bytes.length);
            }
        }.define();
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        String entry = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
            return in.readAllBytes();
        }
    }
}
