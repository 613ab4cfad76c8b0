package io.plugboard.kv.file;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.plugboard.api.kv.KeyValueStore;

/**
 * How keys and values are laid out on disk: one file per key, named so that every legal key gets
 * its own file name on any common file system.
 *
 * <p><b>Short keys</b> live in {@code kv_<escaped key>} and the file holds the raw value, as in
 * go-plugin's KV example. The escaped key uses only {@code a-z 0-9 - .}, plus {@code _xxxx} (four
 * lowercase hex digits) for every other UTF-16 code unit, including upper-case letters, {@code _}
 * itself and a final dot. So names are pure lower-case ASCII: nothing for a case-insensitive file
 * system to fold, no Unicode for macOS to normalize, no character Windows forbids, no trailing dot
 * or space; and since {@code _} always starts an escape, the mapping is one-to-one. Code units
 * rather than UTF-8 bytes keep even a lone surrogate, which UTF-8 would turn into {@code ?}.
 *
 * <p><b>Long keys</b>, whose escaped name would exceed {@value #MAX_NAME_LENGTH} characters (the
 * shortest common limit, eCryptfs; most file systems allow 255 bytes), live in
 * {@code kvh_<SHA-256 of the key>}, and the file starts with the key itself (a two-byte length,
 * then UTF-16BE code units) so {@code keys()} can list it and a read can prove the file is the
 * key's. A SHA-256 collision would not mix two values up: it is detected and reported.
 */
final class KeyFiles {

    /** Longest file name this store creates, in characters (all ASCII, so also in bytes). */
    static final int MAX_NAME_LENGTH = 143;

    private static final String DIRECT_PREFIX = "kv_";
    private static final String HASHED_PREFIX = "kvh_";
    private static final char ESCAPE = '_';
    private static final HexFormat HEX = HexFormat.of();

    private KeyFiles() {
    }

    /** Returns the file name of a legal key. */
    static String fileName(String key) {
        String direct = DIRECT_PREFIX + escape(key);
        return direct.length() <= MAX_NAME_LENGTH ? direct : hashedName(key);
    }

    /** Returns whether the file of a key with this file name starts with the key. */
    static boolean isHashed(String fileName) {
        return fileName.startsWith(HASHED_PREFIX);
    }

    /**
     * Returns the key whose file name this is, for names of short keys; empty for every other
     * name (hashed names, temporary files, files someone else put in the directory).
     */
    static Optional<String> keyOfDirectName(String fileName) {
        if (!fileName.startsWith(DIRECT_PREFIX)) {
            return Optional.empty();
        }
        String key = unescape(fileName.substring(DIRECT_PREFIX.length()));
        // Only the one name fileName(key) makes counts; "kv__0061" is not a second name for "a".
        if (key == null || !isLegal(key) || !fileName.equals(fileName(key))) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    /** Returns the content of a hashed key's file: the key, then the value. */
    static byte[] hashedContent(String key, byte[] value) {
        ByteBuffer buffer = ByteBuffer.allocate(2 + 2 * key.length() + value.length);
        buffer.putShort((short) key.length());
        for (int i = 0; i < key.length(); i++) {
            buffer.putChar(key.charAt(i));
        }
        return buffer.put(value).array();
    }

    /**
     * Returns the key stored at the start of a hashed key's file, or empty when the content does
     * not start with a legal key (a corrupt file).
     */
    static Optional<String> storedKey(byte[] content) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            int length = Short.toUnsignedInt(buffer.getShort());
            char[] key = new char[length];
            for (int i = 0; i < length; i++) {
                key[i] = buffer.getChar();
            }
            String stored = new String(key);
            return isLegal(stored) ? Optional.of(stored) : Optional.empty();
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    /** Returns the value part of a hashed key's file whose stored key is {@code key}. */
    static byte[] hashedValue(String key, byte[] content) {
        int offset = 2 + 2 * key.length();
        byte[] value = new byte[content.length - offset];
        System.arraycopy(content, offset, value, 0, value.length);
        return value;
    }

    private static String hashedName(String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                sha256.update((byte) (c >> 8));
                sha256.update((byte) c);
            }
            return HASHED_PREFIX + HEX.formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String escape(String key) {
        StringBuilder name = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean lastChar = i == key.length() - 1;
            if (isPlain(c) || (c == '.' && !lastChar)) {
                name.append(c);
            } else {
                name.append(ESCAPE).append(HEX.toHexDigits(c));
            }
        }
        return name.toString();
    }

    /** Returns the key of an escaped name, or null if the name is malformed. */
    private static String unescape(String name) {
        StringBuilder key = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ESCAPE) {
                if (i + 5 > name.length() || !isLowerHex(name, i + 1, i + 5)) {
                    return null;
                }
                key.append((char) HexFormat.fromHexDigits(name, i + 1, i + 5));
                i += 4;
            } else if (isPlain(c) || c == '.') {
                key.append(c);
            } else {
                return null;
            }
        }
        return key.toString();
    }

    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLegal(String key) {
        try {
            KeyValueStore.requireValidKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
