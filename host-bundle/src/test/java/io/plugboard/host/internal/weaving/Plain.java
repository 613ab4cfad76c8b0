package io.plugboard.host.internal.weaving;

/** A class with methods named exit and halt of its own, which are no exit of the JVM. */
public final class Plain {

    public static int exit(int code) {
        return code + 1;
    }

    public static int callsItsOwnExit() {
        return exit(1) + Math.abs(-1) + Integer.parseInt("1");
    }

    public void halt(int code) {
    }
}
