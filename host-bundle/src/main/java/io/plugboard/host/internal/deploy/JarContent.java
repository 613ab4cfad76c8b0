package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The content a plugin bundle was installed from: CRC-32 and size of the whole jar. A restart
 * compares it with the jar in the folder to keep an unchanged bundle; a time stamp could not
 * tell (a jar moved in may be older than the bundle), and a plugin jar is small enough to read.
 *
 * @param crc CRC-32 of every byte of the jar
 * @param size its length in bytes
 */
record JarContent(long crc, long size) {

    // Written out, as FileState's are: a record's generated equals and hashCode bootstrap
    // ObjectMethods through invokedynamic on first use, spinning method-handle classes that the
    // class archive cannot keep (a few ms on the way to the first plugin call).
    @Override
    public boolean equals(Object o) {
        return o instanceof JarContent other && crc == other.crc && size == other.size;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(crc) * 31 + Long.hashCode(size);
    }

    /** The content of these bytes. */
    static JarContent of(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new JarContent(crc.getValue(), bytes.length);
    }

    /** The content of the file as it is now. */
    static JarContent of(Path file) throws IOException {
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new JarContent(crc.getValue(), size);
    }

    /** {@code <crc in hex>-<size>}, as {@link #parse} reads it. */
    String text() {
        return Long.toHexString(crc) + "-" + size;
    }

    /** The content {@link #text()} wrote; empty if the text is not exactly that. */
    static Optional<JarContent> parse(String text) {
        int dash = text.indexOf('-');
        if (dash <= 0 || dash > 8 || dash == text.length() - 1) {
            return Optional.empty();
        }
        try {
            long crc = Long.parseLong(text.substring(0, dash), 16);
            long size = Long.parseLong(text.substring(dash + 1));
            return size < 0 ? Optional.empty() : Optional.of(new JarContent(crc, size));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
