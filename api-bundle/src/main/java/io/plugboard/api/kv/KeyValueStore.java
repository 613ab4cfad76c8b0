package io.plugboard.api.kv;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A store of byte values under string keys. Implemented by plugins, called by the host.
 *
 * <p><b>Keys.</b> A legal key is 1 to {@value #MAX_KEY_LENGTH} characters long and contains no
 * control characters (U+0000 to U+001F and U+007F). Anything else is legal, including
 * {@code /}, {@code .}, spaces and non-ASCII letters. Every method given an illegal or
 * {@code null} key throws {@link IllegalArgumentException} (see {@link #requireValidKey}).
 *
 * <p><b>Values.</b> Any byte array, including an empty one; never {@code null}. A store keeps
 * its own copy of what it is given and hands out copies, so callers may reuse their arrays.
 *
 * <p><b>Failures.</b> A store that cannot complete an operation (an I/O error, a plugin process
 * that fails) throws {@link KeyValueStoreException}; an operation the store does not offer
 * throws {@link UnsupportedOperationException}.
 */
@ConsumerType
public interface KeyValueStore {

    /** The plugin type of key-value stores. */
    String TYPE = "kv";

    /** The longest legal key, in characters. */
    int MAX_KEY_LENGTH = 250;

    /** Stores the value under the key, replacing any value stored before. */
    void put(String key, byte[] value);

    /** Returns the value stored under the key, or an empty optional when the key is missing. */
    Optional<byte[]> get(String key);

    /** Removes the key; returns {@code true} if it was present. */
    boolean delete(String key);

    /** Returns every key in the store, in ascending {@link String#compareTo} order. */
    List<String> keys();

    /**
     * Returns the key if it is legal.
     *
     * @throws IllegalArgumentException naming what is wrong with the key
     */
    static String requireValidKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "key is " + key.length() + " characters long; the limit is " + MAX_KEY_LENGTH);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(
                        String.format("key contains control character U+%04X at index %d", (int) c, i));
            }
        }
        return key;
    }
}
