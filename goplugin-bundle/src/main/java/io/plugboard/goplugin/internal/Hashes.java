package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and bytes, as lowercase hex (the form {@code sha256sum} prints). */
final class Hashes {

    private Hashes() {
    }

    /** Returns the SHA-256 of the file's content as 64 lowercase hex digits. */
    static String sha256(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return sha256(channel);
        }
    }

    /** Returns the SHA-256 of the open file's whole content (from its start, by positional reads) as hex. */
    static String sha256(FileChannel file) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long position = 0;
        for (int n = file.read(buffer, position); n >= 0; n = file.read(buffer, position)) {
            position += n;
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
