package io.plugboard.goplugin.internal.launch;

import java.util.List;
import java.util.Locale;

/** Turns Java's exit value of a process into a {@link ProcessExit}, naming the signal that ended it. */
final class Signals {

    /** Linux's numbering, 1 to 31; index 0 unused. */
    private static final String[] LINUX = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /** The numbers that mean the same signal on Linux, macOS and the BSDs. */
    private static final List<Integer> PORTABLE = List.of(1, 2, 3, 4, 5, 6, 8, 9, 11, 13, 14, 15);

    private static final boolean ON_LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("linux");

    private Signals() {
    }

    /**
     * The exit of a process with Java's exit value: Java reports a death by signal n as 128 + n, so
     * 129..159 is read as a signal (a program that calls exit(137) itself looks the same; Go programs
     * exit with 0, 1 or 2, so for plugins the reading is sound).
     */
    static ProcessExit exit(int exitValue, List<String> lastStderrLines) {
        int signal = exitValue - 128;
        if (signal >= 1 && signal <= 31) {
            return new ProcessExit(-1, name(signal), lastStderrLines);
        }
        return new ProcessExit(exitValue, null, lastStderrLines);
    }

    /** The signal's name, e.g. SIGKILL; {@code signal 16} where the number means different signals on different systems. */
    static String name(int signal) {
        if (ON_LINUX || PORTABLE.contains(signal)) {
            return LINUX[signal];
        }
        return "signal " + signal;
    }
}
