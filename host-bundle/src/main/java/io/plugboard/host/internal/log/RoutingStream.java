package io.plugboard.host.internal.log;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;

/**
 * Stands in for {@code System.out} or {@code System.err}: what a plugin writes becomes lines of
 * its log ({@link LineRouter}), everything else goes to the stream it replaced, unchanged. Every
 * {@code print} and {@code println} of PrintStream ends in {@link #write(byte[], int, int)}, so
 * that is where the writer is found.
 */
final class RoutingStream extends PrintStream {

    private final PrintStream original;
    private final Callers caller;
    private final LineRouter<Bundle> router;
    // Set while this thread hands a line to the log: should logging write to this stream again
    // (a logger that prints), it goes to the original instead of round again.
    private final ThreadLocal<Boolean> inSink = new ThreadLocal<>();
    private volatile boolean stopped;

    RoutingStream(PrintStream original, Charset charset, Callers caller, BiConsumer<Bundle, String> sink) {
        // Our own encoder turns print(String) into the bytes write() gets: in the console's charset.
        super(original, true, charset);
        this.original = original;
        this.caller = caller;
        this.router = new LineRouter<>(charset, (bundle, line) -> {
            inSink.set(Boolean.TRUE);
            try {
                sink.accept(bundle, line);
            } finally {
                inSink.remove();
            }
        });
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        Bundle plugin = stopped || inSink.get() != null ? null : caller.pluginCaller();
        if (plugin == null) {
            original.write(buffer, offset, length);
        } else {
            router.write(Thread.currentThread().getId(), plugin, buffer, offset, length);
        }
    }

    @Override
    public void flush() {
        // A plugin's unfinished line waits for its end, not for a flush: print("a"); flush(); println("b") is one line.
        original.flush();
    }

    @Override
    public void close() {
        // The process's standard stream is not a plugin's to close.
        original.flush();
    }

    /** From now on passes everything through, after handing on every unfinished line. */
    void stop() {
        stopped = true;
        router.flushAll();
    }
}
