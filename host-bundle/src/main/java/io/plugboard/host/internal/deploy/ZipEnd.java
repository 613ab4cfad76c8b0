package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/**
 * The end of a zip file: its end-of-central-directory record and the central directory it points
 * to. A jar is written front to back and this record comes last, so a file whose end record is
 * missing or does not point exactly at a central directory just before it is incomplete. This
 * is the cheap first test of a jar in the watched folder, decided by content, not by time.
 *
 * @param entries number of entries the central directory lists
 * @param fingerprint CRC-32 of the central directory, which holds every entry's name, size and
 *        CRC: two jars with the same fingerprint have the same content (a touch is no change)
 */
record ZipEnd(long entries, long fingerprint) {

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_END_SIGNATURE = 0x06064b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int MAX_COMMENT = 0xFFFF;
    // Larger central directories are not fingerprinted in memory at once.
    private static final int CHUNK = 64 * 1024;

    /** Reads and checks the file's end records; throws with a plain reason if they are missing or inconsistent. */
    static ZipEnd read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < END_SIZE) {
                throw new ZipException("only " + size + " bytes, too short for a zip file");
            }
            int tailLength = (int) Math.min(size, END_SIZE + MAX_COMMENT);
            ByteBuffer tail = readFully(channel, size - tailLength, tailLength);
            int at = findEnd(tail, tailLength);
            if (at < 0) {
                throw new ZipException("no end-of-central-directory record at its end");
            }
            long endPosition = size - tailLength + at;
            long entries = tail.getShort(at + 10) & 0xFFFFL;
            long centralSize = tail.getInt(at + 12) & 0xFFFFFFFFL;
            long centralOffset = tail.getInt(at + 16) & 0xFFFFFFFFL;
            long centralEnd = endPosition;
            if (entries == 0xFFFF || centralSize == 0xFFFFFFFFL || centralOffset == 0xFFFFFFFFL) {
                ByteBuffer zip64 = readZip64End(channel, endPosition);
                entries = zip64.getLong(32);
                centralSize = zip64.getLong(40);
                centralOffset = zip64.getLong(48);
                centralEnd = zip64Position(channel, endPosition);
            }
            if (centralOffset + centralSize != centralEnd) {
                throw new ZipException("its central directory (" + centralSize
                        + " bytes at " + centralOffset + ") does not end where its end record begins (" + centralEnd + ")");
            }
            return new ZipEnd(entries, fingerprint(channel, centralOffset, centralSize, entries));
        }
    }

    // The end record is the last signature whose comment length reaches exactly the end of the file.
    private static int findEnd(ByteBuffer tail, int length) {
        for (int at = length - END_SIZE; at >= 0; at--) {
            if (tail.getInt(at) == END_SIGNATURE && at + END_SIZE + (tail.getShort(at + 20) & 0xFFFF) == length) {
                return at;
            }
        }
        return -1;
    }

    private static ByteBuffer readZip64End(FileChannel channel, long endPosition) throws IOException {
        long start = zip64Position(channel, endPosition);
        ByteBuffer record = readFully(channel, start, 56);
        if (record.getInt(0) != ZIP64_END_SIGNATURE) {
            throw new ZipException("its zip64 end record is missing");
        }
        return record;
    }

    private static long zip64Position(FileChannel channel, long endPosition) throws IOException {
        if (endPosition < ZIP64_LOCATOR_SIZE) {
            throw new ZipException("its zip64 locator is missing");
        }
        ByteBuffer locator = readFully(channel, endPosition - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
        long position = locator.getLong(8);
        if (locator.getInt(0) != ZIP64_LOCATOR_SIGNATURE || position < 0 || position + 56 > endPosition - ZIP64_LOCATOR_SIZE) {
            throw new ZipException("its zip64 locator is missing or wrong");
        }
        return position;
    }

    private static long fingerprint(FileChannel channel, long offset, long size, long entries) throws IOException {
        CRC32 crc = new CRC32();
        for (long done = 0; done < size; ) {
            int length = (int) Math.min(CHUNK, size - done);
            ByteBuffer chunk = readFully(channel, offset + done, length);
            if (done == 0 && entries > 0 && (length < 4 || chunk.getInt(0) != CENTRAL_SIGNATURE)) {
                throw new ZipException("no central directory where its end record points");
            }
            crc.update(chunk);
            done += length;
        }
        return crc.getValue();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ZipException("it ended while being read");
            }
        }
        return buffer.flip();
    }
}
