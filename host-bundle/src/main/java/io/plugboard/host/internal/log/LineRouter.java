package io.plugboard.host.internal.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Cuts what each thread writes to a stream into lines and hands each complete line, with the
 * source that wrote it (a plugin's bundle), to the sink: a plugin's {@code System.out.print} of a
 * word, then of the rest of the line, gives one log entry, and two threads writing at once never
 * mix their words. Free of OSGi, so it is tested as plain Java.
 *
 * <p>A thread's unfinished line is handed on, as it stands, when the same thread writes for
 * another source (what follows is not its continuation), when it reaches {@link #MAX_LINE} bytes
 * (a stream that never writes a line break must not grow without end), and at {@link #flushAll}
 * (when the routing stops). Lines are cut at the byte {@code '\n'}, which in UTF-8 and the other
 * charsets a console uses is never part of another character, so a character split across two
 * writes stays whole; a {@code "\r\n"} ending loses its {@code '\r'} too.
 *
 * @param <S> what a line is attributed to
 */
final class LineRouter<S> {

    /** The longest line kept whole; longer ones are handed on in pieces of this many bytes. */
    static final int MAX_LINE = 8192;

    private final Charset charset;
    private final BiConsumer<S, String> sink;
    // By thread id, not by Thread: a thread that ends with an unfinished line is not kept alive.
    // An entry goes as soon as its line is handed on, so the map holds only unfinished lines.
    private final Map<Long, Pending<S>> pending = new ConcurrentHashMap<>();

    LineRouter(Charset charset, BiConsumer<S, String> sink) {
        this.charset = charset;
        this.sink = sink;
    }

    /** An unfinished line of one thread, and whose it is. */
    private static final class Pending<S> {
        final S source;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Pending(S source) {
            this.source = source;
        }
    }

    /** Takes bytes the thread {@code threadId} wrote for {@code source}; hands on every line they complete. */
    void write(long threadId, S source, byte[] buffer, int offset, int length) {
        // Lines are handed on after the map is updated, outside any lock: the sink logs, and
        // logging may write to a stream again.
        List<Line<S>> lines = new ArrayList<>(2);
        Pending<S> line = pending.remove(threadId);
        if (line != null && !line.source.equals(source)) {
            lines.add(new Line<>(line.source, decode(line.bytes.toByteArray(), line.bytes.size())));
            line = null;
        }
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            int kept = (line == null ? 0 : line.bytes.size()) + (i - start);
            if (buffer[i] == '\n' || kept >= MAX_LINE) {
                if (line == null) {
                    line = new Pending<>(source);
                }
                line.bytes.write(buffer, start, i - start);
                lines.add(new Line<>(source, decode(line.bytes.toByteArray(), line.bytes.size())));
                line = null;
                start = buffer[i] == '\n' ? i + 1 : i;
            }
        }
        if (start < end) {
            if (line == null) {
                line = new Pending<>(source);
            }
            line.bytes.write(buffer, start, end - start);
        }
        if (line != null) {
            pending.put(threadId, line);
        }
        for (Line<S> each : lines) {
            sink.accept(each.source(), each.text());
        }
    }

    /** Hands on every thread's unfinished line. */
    void flushAll() {
        for (Long thread : List.copyOf(pending.keySet())) {
            Pending<S> line = pending.remove(thread);
            if (line != null) {
                sink.accept(line.source, decode(line.bytes.toByteArray(), line.bytes.size()));
            }
        }
    }

    private String decode(byte[] bytes, int length) {
        int end = length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        return new String(bytes, 0, end, charset);
    }

    private record Line<S>(S source, String text) {
    }
}
