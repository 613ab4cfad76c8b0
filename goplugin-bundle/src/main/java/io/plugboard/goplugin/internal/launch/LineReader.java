package io.plugboard.goplugin.internal.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a process's output into UTF-8 lines; a line longer than {@link #MAX_LINE} bytes is cut
 * into pieces (as go-plugin does with its 64 KiB buffer), so a plugin that never writes a newline
 * cannot make the host buffer without bound.
 */
final class LineReader {

    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int start;
    private int end;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its end ({@code \n} or {@code \r\n}), or null at the end of the stream. */
    String readLine() throws IOException {
        while (true) {
            if (start == end) {
                int n = in.read(buffer);
                if (n < 0) {
                    return line.size() > 0 ? take() : null;
                }
                start = 0;
                end = n;
            }
            while (start < end) {
                byte b = buffer[start++];
                if (b == '\n') {
                    return take();
                }
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    return take();
                }
            }
        }
    }

    private String take() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
