package io.plugboard.runtime;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs commands read line by line (a piped script) through Gogo's CommandProcessor, as gosh would.
 * Gogo's classes live in the gogo runtime bundle, not on the launcher's class path, so the
 * launcher reaches them through reflection on the classes that bundle exports.
 */
final class ScriptRunner {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    /** Converter.INSPECT: the format gosh uses to print a command's result. */
    private static final int INSPECT = 0;
    private static final long SERVICE_TIMEOUT_MILLIS = 30_000;

    private final BundleContext context;
    private final ExitCommand exit;
    private final PrintStream out;
    private final PrintStream err;

    ScriptRunner(BundleContext context, ExitCommand exit, PrintStream out, PrintStream err) {
        this.context = context;
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    /**
     * Executes each non-blank line that does not start with '#', in order, printing results to
     * standard output and {@code Error: <message>} to standard error for a failing command.
     * Returns the code given to {@code exit} if the script ran it (stopping there), else 0 when
     * every command succeeded and 1 when one failed.
     */
    int run(BufferedReader script) throws IOException, InterruptedException {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, PROCESSOR, null);
        tracker.open(true);
        try {
            Object processor = tracker.waitForService(SERVICE_TIMEOUT_MILLIS);
            ServiceReference<Object> ref = tracker.getServiceReference();
            if (processor == null || ref == null) {
                err.println("plugboard: the Gogo command processor did not start within "
                        + TimeUnit.MILLISECONDS.toSeconds(SERVICE_TIMEOUT_MILLIS) + "s");
                return 1;
            }
            return runWith(processor, ref.getBundle(), script);
        } catch (ReflectiveOperationException e) {
            err.println("plugboard: cannot use the Gogo command processor: " + Launcher.describe(e));
            return 1;
        } finally {
            tracker.close();
        }
    }

    private int runWith(Object processor, Bundle gogo, BufferedReader script)
            throws ReflectiveOperationException, IOException {
        Class<?> processorType = gogo.loadClass(PROCESSOR);
        Class<?> sessionType = gogo.loadClass(SESSION);
        Method createSession = processorType.getMethod("createSession",
                InputStream.class, OutputStream.class, OutputStream.class);
        Method execute = sessionType.getMethod("execute", CharSequence.class);
        Method format = sessionType.getMethod("format", Object.class, int.class);
        Method close = sessionType.getMethod("close");

        // The script belongs to the launcher: a command that reads its input sees end of input
        // instead of swallowing the lines that follow it.
        Object session = createSession.invoke(processor, new ByteArrayInputStream(new byte[0]), out, err);
        int status = 0;
        try {
            for (String line; (line = script.readLine()) != null; ) {
                String command = line.strip();
                if (command.isEmpty() || command.startsWith("#")) {
                    continue;
                }
                try {
                    Object result = execute.invoke(session, command);
                    StartupClock.mark("ran " + command);
                    if (result != null) {
                        out.println(format.invoke(session, result, INSPECT));
                    }
                } catch (InvocationTargetException e) {
                    Throwable failure = e.getCause() == null ? e : e.getCause();
                    out.flush();
                    err.println("Error: " + (failure.getMessage() == null
                            ? failure.getClass().getSimpleName() : failure.getMessage()));
                    status = 1;
                }
                out.flush();
                if (exit.stopping()) {
                    return exit.code();
                }
            }
        } finally {
            if (!exit.stopping()) {
                close.invoke(session);
            }
        }
        return status;
    }
}
