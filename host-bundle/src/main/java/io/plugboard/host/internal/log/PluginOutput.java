package io.plugboard.host.internal.log;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Attributes what plugins write to {@code System.out}, {@code System.err} and java.util.logging
 * to the plugin, as the OSGi log does: while active, a line a plugin's code writes to
 * {@code System.out} is an INFO entry of that plugin's bundle (logger {@value #OUT_LOGGER}), one
 * to {@code System.err} a WARN entry (logger {@value #ERR_LOGGER}: stderr is where programs say
 * what went wrong, but also where they chat, so not ERROR), and a java.util.logging record an
 * entry at its level ({@link JulHandler}); the log printer writes them to {@code plugboard.log}
 * and to the console with the plugin's name and version. What the framework, the launcher, the
 * shell and the host write (a command's output to the user's terminal among it) goes through
 * unchanged ({@link Callers}). Deactivation gives the JVM its streams and handlers back, so no
 * class of an old host bundle stays reachable from {@code System.out}.
 *
 * <p>Lines go to the console whatever the console level, as they did before they were attributed.
 * A line is logged when its line break comes; an unfinished one when the plugin's thread writes
 * for another plugin, at 8 KiB, or when this component stops.
 */
@Component(immediate = true, service = {})
public final class PluginOutput {

    /** The logger name of lines a plugin wrote to System.out. */
    static final String OUT_LOGGER = "System.out";
    /** The logger name of lines a plugin wrote to System.err. */
    static final String ERR_LOGGER = "System.err";

    private final Sink outSink;
    private final Sink errSink;
    private final PrintStream originalOut;
    private final PrintStream originalErr;
    private final RoutingStream out;
    private final RoutingStream err;
    private final JulHandler jul;

    /**
     * Puts the routing streams in front of the process's standard streams, and the JUL handler
     * in place. Under the launcher, it offers the sinks of the streams it hands out (System.out
     * and err, and the shell's sessions' streams): set there, the routing sits under Gogo's
     * ThreadIO, which puts itself back as System.out whenever a command starts or ends, and sends
     * a command's output (and what a plugin prints during it: activated by plugin:install, called
     * by plugin:greet) to the session's streams. Without the launcher (a test framework), System.out
     * and System.err themselves are replaced, which holds until a ThreadIO started later takes
     * them back.
     */
    @Activate
    public PluginOutput(BundleContext context, @Reference(name = "loggerFactory") LoggerFactory loggers,
            @Reference(name = "consoleOut", service = AtomicReference.class, target = "(plugboard.console=out)",
                    cardinality = ReferenceCardinality.OPTIONAL) AtomicReference<PrintStream> consoleOut,
            @Reference(name = "consoleErr", service = AtomicReference.class, target = "(plugboard.console=err)",
                    cardinality = ReferenceCardinality.OPTIONAL) AtomicReference<PrintStream> consoleErr) {
        // No lambda between a plugin's call and the walk: its class would be the host's, and decide.
        Callers callers = new Callers(context.getBundle().getBundleId(),
                Set.of(Callers.class, RoutingStream.class, JulHandler.class));
        // First: java.util.logging's ConsoleHandler, made when its configuration is read, keeps
        // the System.err it finds, which must not be our stream.
        this.jul = JulHandler.install(callers, loggers);
        boolean launched = consoleOut != null && consoleErr != null;
        this.outSink = launched ? new LauncherSink(consoleOut) : new SystemSink(true);
        this.errSink = launched ? new LauncherSink(consoleErr) : new SystemSink(false);
        this.originalOut = outSink.get();
        this.originalErr = errSink.get();
        this.out = new RoutingStream(originalOut, consoleCharset("sun.stdout.encoding"), callers,
                lineTo(loggers, OUT_LOGGER, originalOut, false));
        this.err = new RoutingStream(originalErr, consoleCharset("sun.stderr.encoding"), callers,
                lineTo(loggers, ERR_LOGGER, originalErr, true));
        outSink.set(out);
        errSink.set(err);
    }

    /** Gives the JVM its streams and handlers back. */
    @Deactivate
    void deactivate() {
        // Only if still ours: a stream set since wraps ours (Gogo's ThreadIO, started after us),
        // and its owner sets ours back when it stops; ours then passes everything through.
        outSink.compareAndSet(out, originalOut);
        errSink.compareAndSet(err, originalErr);
        out.stop();
        err.stop();
        jul.uninstall();
    }

    /** Where a standard stream's bytes go: the launcher's sink, or System.out or err itself. */
    private interface Sink {
        PrintStream get();

        void set(PrintStream stream);

        void compareAndSet(PrintStream expected, PrintStream stream);
    }

    /** The sink of a stream the launcher hands out. */
    private record LauncherSink(AtomicReference<PrintStream> reference) implements Sink {
        @Override
        public PrintStream get() {
            return reference.get();
        }

        @Override
        public void set(PrintStream stream) {
            reference.set(stream);
        }

        @Override
        public void compareAndSet(PrintStream expected, PrintStream stream) {
            reference.compareAndSet(expected, stream);
        }
    }

    /** System.out or System.err itself. */
    private record SystemSink(boolean out) implements Sink {
        @Override
        public PrintStream get() {
            return out ? System.out : System.err;
        }

        @Override
        public void set(PrintStream stream) {
            if (out) {
                System.setOut(stream);
            } else {
                System.setErr(stream);
            }
        }

        @Override
        public void compareAndSet(PrintStream expected, PrintStream stream) {
            if (get() == expected) {
                set(stream);
            }
        }
    }

    /** Logs a plugin's line; should the log refuse it (the bundle just went), it goes to the stream it was written to. */
    private static BiConsumer<Bundle, String> lineTo(LoggerFactory loggers, String name, PrintStream original,
            boolean warn) {
        return (bundle, line) -> {
            try {
                Logger logger = loggers.getLogger(bundle, name, Logger.class);
                // "{}" with the line as its argument: the line's own braces are not placeholders.
                if (warn) {
                    logger.warn("{}", line);
                } else {
                    logger.info("{}", line);
                }
            } catch (RuntimeException e) {
                original.println(line);
            }
        };
    }

    /**
     * The charset the console stream encodes in, which Java 17 cannot tell of a PrintStream: the
     * launcher writes UTF-8 when the output is redirected, and a terminal the JVM's default (or,
     * where the JVM knows it, the console's own, {@code sun.std*.encoding}).
     */
    static Charset consoleCharset(String property) {
        String name = System.getProperty(property);
        try {
            if (name != null) {
                return Charset.forName(name);
            }
        } catch (RuntimeException e) {
            // An unknown name: as if none were given.
        }
        return System.console() != null ? Charset.defaultCharset() : StandardCharsets.UTF_8;
    }
}
