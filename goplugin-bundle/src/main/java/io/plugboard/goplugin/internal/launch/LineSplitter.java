package io.plugboard.goplugin.internal.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a process's output, fed in pieces as it arrives, into UTF-8 lines; a line longer than
 * {@link #MAX_LINE} bytes is cut into pieces (as go-plugin does with its 64 KiB buffer), so a
 * plugin that never writes a newline cannot make the host buffer without bound. Fed by one thread.
 */
final class LineSplitter {

    static final int MAX_LINE = 64 * 1024;

    private final Consumer<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** Hands each line, without its end ({@code \n} or {@code \r\n}), to the consumer. */
    LineSplitter(Consumer<String> lines) {
        this.lines = lines;
    }

    /** Takes the next bytes of the stream. */
    void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int from = offset;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                append(bytes, from, i - from);
                take();
                from = i + 1;
            }
        }
        append(bytes, from, end - from);
    }

    /** Takes the end of the stream: an unfinished last line goes out. */
    void end() {
        if (line.size() > 0) {
            take();
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        while (length > 0) {
            int room = MAX_LINE - line.size();
            int n = Math.min(room, length);
            line.write(bytes, offset, n);
            offset += n;
            length -= n;
            if (line.size() >= MAX_LINE) {
                take();
            }
        }
    }

    private void take() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        lines.accept(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
