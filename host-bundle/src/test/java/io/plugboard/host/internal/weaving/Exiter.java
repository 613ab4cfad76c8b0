package io.plugboard.host.internal.weaving;

import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/** Ends the JVM in each way the rewriter guards against; the tests run it only rewritten. */
public final class Exiter {

    public static void systemExit(int code) {
        System.exit(code);
    }

    public static void runtimeExit(int code) {
        Runtime.getRuntime().exit(code);
    }

    public static void runtimeHalt(int code) {
        Runtime.getRuntime().halt(code);
    }

    public static void systemExitReference(int code) {
        IntConsumer exit = System::exit;
        exit.accept(code);
    }

    public static void boundRuntimeHaltReference(int code) {
        IntConsumer halt = Runtime.getRuntime()::halt;
        halt.accept(code);
    }

    public static void runtimeExitReference(int code) {
        ObjIntConsumer<Runtime> exit = Runtime::exit;
        exit.accept(Runtime.getRuntime(), code);
    }

    /** Exits in a branch, so the method has stack map frames around the call. */
    public static int exitUnless(boolean ok, int code) {
        int result = 0;
        for (int i = 0; i < code; i++) {
            result += i;
        }
        if (!ok) {
            System.exit(code);
        }
        return result;
    }

    /** An interface's static method (Java 8 and later) exits too. */
    public interface Quitter {
        static void quit(int code) {
            System.exit(code);
        }
    }
}
