package io.plugboard.host.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * The fast path of jar validation: a jar read into memory once, checked there and installed from
 * the same bytes, so no temporary copy is written. It only ever accepts: anything it cannot vouch
 * for (a zip64 or damaged jar, a manifest it cannot find) is left to {@link PluginJar#read}, which
 * gives the precise message. Accepted means: the end record is at the very end and the central
 * directory ends right before it, every entry's data matches its CRC, as many entries as the end
 * record counts were read, and the manifest names a Bundle-SymbolicName.
 */
final class JarBytes {

    /** Larger jars are checked through a temporary copy instead of being held in memory. */
    static final int MAX_IN_MEMORY = 16 * 1024 * 1024;

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    private JarBytes() {
    }

    /** The jar's identity if the bytes are certainly a complete, undamaged bundle jar; empty if unsure. */
    static Optional<PluginJar> check(byte[] bytes) {
        try {
            long entries = endRecordEntries(bytes);
            if (entries < 0) {
                return Optional.empty();
            }
            Manifest manifest = null;
            long read = 0;
            byte[] buffer = new byte[8192];
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; read++) {
                    if (JarFile.MANIFEST_NAME.equalsIgnoreCase(entry.getName())) {
                        manifest = new Manifest(zip);
                    }
                    // Reading to the end makes ZipInputStream compare the entry's CRC and sizes.
                    while (zip.read(buffer) > 0) {
                        // drain
                    }
                }
            }
            if (read != entries || manifest == null) {
                return Optional.empty();
            }
            String symbolicName = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            String versionText = manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
            if (symbolicName == null || symbolicName.isBlank()) {
                return Optional.empty();
            }
            Version version = Version.parseVersion(versionText == null ? null : versionText.trim());
            return Optional.of(new PluginJar(symbolicName.split(";", 2)[0].trim(), version));
        } catch (IOException | RuntimeException e) {
            // Damaged, truncated or unusual: the slow path decides and words the problem.
            return Optional.empty();
        }
    }

    /** Reads a whole stream, or returns empty once it exceeds {@link #MAX_IN_MEMORY}. */
    static Optional<byte[]> readAll(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_IN_MEMORY + 1);
        return bytes.length > MAX_IN_MEMORY ? Optional.empty() : Optional.of(bytes);
    }

    /**
     * The entry count of the end record if it ends the bytes exactly and the central directory
     * ends right before it; -1 otherwise (also for zip64, which the slow path handles).
     */
    private static long endRecordEntries(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int lowest = Math.max(0, bytes.length - END_SIZE - MAX_COMMENT);
        for (int at = bytes.length - END_SIZE; at >= lowest; at--) {
            if (buffer.getInt(at) == END_SIGNATURE && at + END_SIZE + (buffer.getShort(at + 20) & 0xFFFF) == bytes.length) {
                long entries = buffer.getShort(at + 10) & 0xFFFFL;
                long centralSize = buffer.getInt(at + 12) & 0xFFFFFFFFL;
                long centralOffset = buffer.getInt(at + 16) & 0xFFFFFFFFL;
                if (entries == 0xFFFF || centralSize == 0xFFFFFFFFL || centralOffset == 0xFFFFFFFFL
                        || centralOffset + centralSize != at) {
                    return -1;
                }
                return entries;
            }
        }
        return -1;
    }
}
