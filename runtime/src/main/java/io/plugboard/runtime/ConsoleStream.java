package io.plugboard.runtime;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's standard output or error as the launcher hands it out: to System.out (or err),
 * and to the shell's sessions. Each byte goes to the stream in {@link #sink()}, the real one until
 * the host's plugin-output router puts itself there (a service of the JDK type AtomicReference,
 * which every bundle can see, registered by the {@link Launcher}). Sitting under Gogo's ThreadIO,
 * which insists on being System.out and gives each command its session's streams (these), the
 * router sees what plugins print during a command too, and the commands' own output.
 */
final class ConsoleStream extends PrintStream {

    /** The service property that names the stream: {@code out} or {@code err}. */
    static final String PROPERTY = "plugboard.console";

    private final PrintStream real;
    private final AtomicReference<PrintStream> sink;

    ConsoleStream(PrintStream real, Charset charset) {
        // The same charset as the real stream, so the bytes passed on are what it would write.
        super(real, true, charset);
        this.real = real;
        this.sink = new AtomicReference<>(real);
    }

    /** Where the bytes go; the host sets its router there and the real stream back. */
    AtomicReference<PrintStream> sink() {
        return sink;
    }

    @Override
    public void write(int b) {
        sink.get().write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        sink.get().write(buffer, offset, length);
    }

    @Override
    public void flush() {
        sink.get().flush();
    }

    @Override
    public void close() {
        real.close();
    }
}
