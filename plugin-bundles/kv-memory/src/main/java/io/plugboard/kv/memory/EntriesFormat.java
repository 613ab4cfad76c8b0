package io.plugboard.kv.memory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.plugboard.api.kv.KeyValueStore;

/**
 * The bytes kv.memory hands over to its next version. Format 1, big-endian as
 * {@link DataOutputStream} writes it:
 *
 * <pre>
 * byte   format, 1
 * UTF    the version that the handing-over version replaced, or "" if none: kept across
 *        restarts of one version, so a version restarted by a refresh still knows it
 * int    number of entries
 * then per entry, in key order:
 *   UTF  the key (DataOutputStream.writeUTF; a legal key has at most 250 characters, so it fits)
 *   int  length of the value
 *   byte[length] the value
 * </pre>
 *
 * The first byte names the format so a later version can change it and still read format 1;
 * a version given a format it does not know refuses it rather than misread it.
 */
final class EntriesFormat {

    /** The format this version writes, and the only one it reads. */
    static final byte FORMAT = 1;

    private EntriesFormat() {
    }

    /** What a handed-over state holds: the version replaced before, and the entries. */
    record Snapshot(String replacedVersion, SortedMap<String, byte[]> entries) {
    }

    /** Writes the entries in format {@value #FORMAT}; {@code replacedVersion} is "" if none. */
    static byte[] encode(String replacedVersion, Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(replacedVersion);
            out.writeInt(entries.size());
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeInt(entry.getValue().length);
                out.write(entry.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads entries written by {@link #encode}.
     *
     * @throws IllegalArgumentException saying what is wrong: an unknown format, or data that is
     *         cut short, too long or holds an illegal key
     */
    static Snapshot decode(byte[] data) {
        if (data.length == 0) {
            throw new IllegalArgumentException("the state is empty: no format byte");
        }
        if (data[0] != FORMAT) {
            throw new IllegalArgumentException("the state has format " + data[0] + ", but this version reads only format "
                    + FORMAT);
        }
        SortedMap<String, byte[]> entries = new TreeMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            String replacedVersion = in.readUTF();
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException("the state is corrupt: it claims " + count + " entries");
            }
            for (int i = 0; i < count; i++) {
                String key = KeyValueStore.requireValidKey(in.readUTF());
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("the state is corrupt: entry " + i + " claims "
                            + length + " bytes, " + in.available() + " are left");
                }
                entries.put(key, in.readNBytes(length));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("the state is corrupt: " + in.available()
                        + " bytes left over after " + count + " entries");
            }
            return new Snapshot(replacedVersion, entries);
        } catch (IOException e) {
            throw new IllegalArgumentException("the state is cut short (" + data.length + " bytes): " + e, e);
        }
    }
}
