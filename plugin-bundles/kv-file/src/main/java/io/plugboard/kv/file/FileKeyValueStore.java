package io.plugboard.kv.file;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.kv.KeyValueStoreException;

/**
 * A key-value store with one file per key in a directory (see {@link KeyFiles} for the names).
 *
 * <p>Every write goes to a temporary file in the same directory, is forced to disk, then renamed
 * over the key's file in one atomic step, so a reader or a crash sees the old value or the new
 * one, never part of one. Temporary files a crash leaves behind are invisible to {@code get} and
 * {@code keys} and removed at the next activation. Files stay when the component stops, the
 * bundle is updated or uninstalled: the directory outlives the plugin, except in the last-resort
 * default, the bundle's data area, which the framework deletes on uninstall. One store per
 * directory: two frameworks sharing one would remove each other's unfinished writes at start.
 */
// Immediate, so a directory that cannot be used is reported when the plugin starts, not at the
// first call, and leftovers of a crash are cleaned up right away.
@Component(configurationPid = FileKeyValueStore.PID, immediate = true)
@PluginName("kv.file")
@PluginType(KeyValueStore.TYPE)
public final class FileKeyValueStore implements KeyValueStore {

    /** Configuration Admin PID of this store's {@link FileKeyValueStoreConfiguration}. */
    public static final String PID = "io.plugboard.kv.file";

    /** Framework property naming Plugboard's data folder; this store uses its kv-file folder. */
    public static final String DATA_DIR_PROPERTY = "plugboard.data.dir";

    static final String SUBDIRECTORY = "kv-file";
    private static final String TEMP_PREFIX = "tmp_";
    private static final String TEMP_SUFFIX = ".part";

    private final Path directory;
    private final Logger logger;

    /** Creates the store in the configured directory; called by DS. */
    @Activate
    public FileKeyValueStore(FileKeyValueStoreConfiguration configuration, BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this(storageDirectory(configuration.directory(), context.getProperty(DATA_DIR_PROPERTY),
                () -> context.getDataFile(SUBDIRECTORY)), logger);
    }

    /**
     * Creates the store in the directory, creating the directory if needed.
     *
     * @throws KeyValueStoreException when the directory cannot be created or is not writable
     */
    public FileKeyValueStore(Path directory, Logger logger) {
        this.directory = createDirectory(directory.toAbsolutePath().normalize());
        this.logger = logger;
        removeUnfinishedWrites();
        logger.info("kv.file storing in {}", this.directory);
    }

    /**
     * Returns the directory to use: the configured one, else {@code <dataDir>/kv-file}, else the
     * bundle's data area.
     *
     * @throws KeyValueStoreException when none is set and the framework gives no data area
     */
    static Path storageDirectory(String configured, String dataDir, Supplier<File> bundleDataArea) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir.strip(), SUBDIRECTORY);
        }
        File dataArea = bundleDataArea.get();
        if (dataArea == null) {
            throw new KeyValueStoreException("kv.file has no directory: set \"directory\" in"
                    + " configuration " + PID + " or the framework property " + DATA_DIR_PROPERTY
                    + "; this framework gives bundles no data area");
        }
        return dataArea.toPath();
    }

    /** Returns the directory that holds the store's files. */
    public Path directory() {
        return directory;
    }

    @Override
    public void put(String key, byte[] value) {
        KeyValueStore.requireValidKey(key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (key \"" + key + "\")");
        }
        String name = KeyFiles.fileName(key);
        byte[] content = KeyFiles.isHashed(name) ? KeyFiles.hashedContent(key, value) : value;
        writeAtomically(key, directory.resolve(name), content);
    }

    @Override
    public Optional<byte[]> get(String key) {
        KeyValueStore.requireValidKey(key);
        String name = KeyFiles.fileName(key);
        Path file = directory.resolve(name);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", key, file, e);
        }
        if (!KeyFiles.isHashed(name)) {
            return Optional.of(content);
        }
        Optional<String> stored = KeyFiles.storedKey(content);
        if (stored.isEmpty()) {
            throw new KeyValueStoreException("kv.file cannot read key \"" + key + "\": " + file
                    + " does not start with a key (a corrupt file)");
        }
        if (!stored.get().equals(key)) {
            throw new KeyValueStoreException("kv.file cannot read key \"" + key + "\": " + file
                    + " holds key \"" + stored.get() + "\" (a copied file or a SHA-256 collision)");
        }
        return Optional.of(KeyFiles.hashedValue(key, content));
    }

    @Override
    public boolean delete(String key) {
        KeyValueStore.requireValidKey(key);
        Path file = directory.resolve(KeyFiles.fileName(key));
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("delete", key, file, e);
        }
    }

    @Override
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (KeyFiles.isHashed(name)) {
                    hashedKey(file).ifPresent(keys::add);
                } else {
                    KeyFiles.keyOfDirectName(name).ifPresent(keys::add);
                }
            }
        } catch (IOException e) {
            throw new KeyValueStoreException("kv.file cannot list " + directory + ": " + e, e);
        }
        Collections.sort(keys);
        return keys;
    }

    /** Returns the key stored in a hashed file, or empty if the file is gone or not ours. */
    private Optional<String> hashedKey(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted since the directory was listed
        } catch (IOException e) {
            throw new KeyValueStoreException("kv.file cannot read " + file + ": " + e, e);
        }
        Optional<String> key = KeyFiles.storedKey(content)
                .filter(stored -> file.getFileName().toString().equals(KeyFiles.fileName(stored)));
        if (key.isEmpty()) {
            logger.warn("kv.file ignores {}: it does not start with the key of its name", file);
        }
        return key;
    }

    private void writeAtomically(String key, Path file, byte[] content) {
        Path temp = null;
        try {
            temp = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename, or a crash could leave the new name on empty data.
                channel.force(true);
            }
            Files.move(temp, file, ATOMIC_MOVE);
            temp = null;
            forceDirectory();
        } catch (IOException e) {
            throw failure("write", key, file, e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    /** Makes the rename itself durable where the platform allows (Linux, macOS; not Windows). */
    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported here: the value is written, only less sure to survive a power cut.
        }
    }

    private void removeUnfinishedWrites() {
        try (DirectoryStream<Path> temps =
                Files.newDirectoryStream(directory, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                logger.info("kv.file removes {}, a write that did not finish", temp);
                deleteQuietly(temp);
            }
        } catch (IOException e) {
            throw new KeyValueStoreException("kv.file cannot list " + directory + ": " + e, e);
        }
    }

    private void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            logger.warn("kv.file could not remove {}: {}", file, e.toString());
        }
    }

    private static Path createDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new KeyValueStoreException(
                    "kv.file cannot create its directory " + directory + ": " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new KeyValueStoreException("kv.file cannot write to its directory " + directory);
        }
        return directory;
    }

    private static KeyValueStoreException failure(String operation, String key, Path file,
            IOException cause) {
        return new KeyValueStoreException("kv.file cannot " + operation + " key \"" + key + "\" in "
                + file + ": " + cause, cause);
    }
}
