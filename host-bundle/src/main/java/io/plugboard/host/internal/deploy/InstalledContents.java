package io.plugboard.host.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The content each plugin bundle was installed from, kept across restarts: the framework cache
 * keeps the plugins, and the watched folder keeps a cached plugin as it is only if its jar still
 * has exactly this content (see {@link FolderSync}); one whose jar holds other content is updated
 * from it as a live change of the jar would be (and serves on if that update is refused), and one
 * whose content is not known is uninstalled and its jar installed.
 *
 * <p>An entry counts only for the bundle it was made for: same id, location and last-modified
 * time, which the framework sets at every install and update, also at those made past the
 * installer (Gogo's {@code update}). The record is durable as it changes, not only at a clean
 * stop: it is written after each change (or, inside a {@link #hold batch}, once at its end),
 * atomically (a temporary file forced to disk, then moved over the record), so a start after a
 * kill -9, an out-of-memory kill or a power cut judges the folder exactly as after a clean stop;
 * the framework cache, which keeps the bundles, is written by Felix as each install happens too.
 * Without a whole record (none: the host never ran, or ran a version that saved only at a clean
 * stop and was killed; or one cut short) no cached plugin is trusted, each is installed again
 * from its jar.
 */
final class InstalledContents {

    /** The file in the host's data area. */
    static final String FILE_NAME = "plugin-contents.txt";
    private static final String HEADER = "# plugboard plugin contents 3: id last-modified crc-size file location";
    /** Ends a whole record of format 3, with the number of entries: a record without it was cut short. */
    private static final String END = "# end ";
    /** The format saved only at a clean stop (whole or absent): no end line. Still read, so an upgrade keeps the cache. */
    private static final String HEADER_2 = "# plugboard plugin contents 2: id last-modified crc-size file location";
    /** The format before jars could be renamed: no file field. Still read, so an upgrade keeps the cache. */
    private static final String HEADER_1 = "# plugboard plugin contents 1: id last-modified crc-size location";
    /** The file field of a bundle whose jar is still the one its location names. */
    private static final String AT_LOCATION = "-";

    // The content's two numbers inline rather than a JarContent: one object less per plugin.
    private record Entry(String location, long lastModified, long crc, long size) {

        Entry(String location, long lastModified, JarContent content) {
            this(location, lastModified, content.crc(), content.size());
        }

        JarContent content() {
            return new JarContent(crc, size);
        }
    }

    private final BundleContext context;
    // Null when the framework gives the host no data area: nothing is kept across restarts then.
    private final Path file;
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    // The file (as a location: a URI) each bundle's jar was renamed to in the plugins folder, by
    // bundle id; saved with the bundle's entry, so it counts after a restart only as that does.
    private final Map<Long, String> moves = new ConcurrentHashMap<>();
    // Told why a write failed (the record on disk then lags behind: a crash would lose the change).
    private final Consumer<IOException> writeFailed;
    // How many batches are open: while any is, changes are only marked, and the last to close writes.
    private final AtomicInteger holds = new AtomicInteger();
    private final AtomicBoolean dirty = new AtomicBoolean();
    // Why no record was read at the start (null if one was): after a crash, the fallback says so.
    private String missing;
    private String lastFailure;
    private int writes;

    private InstalledContents(BundleContext context, Path file, Consumer<IOException> writeFailed) {
        this.context = context;
        this.file = file;
        this.writeFailed = writeFailed;
    }

    /**
     * The record as the previous run left it; none if there is none or it is not whole (see
     * {@link #missing}). Later changes are written to the same file, each as it is made.
     */
    static InstalledContents load(BundleContext context, Consumer<IOException> writeFailed) throws IOException {
        InstalledContents contents = empty(context, writeFailed, "the host has no data area");
        if (contents.file != null) {
            contents.missing = contents.read();
        }
        return contents;
    }

    /** No entries (for when the record cannot be read, as {@code missing} says); saved to the same file. */
    static InstalledContents empty(BundleContext context, Consumer<IOException> writeFailed, String missing) {
        File dataFile = context.getDataFile(FILE_NAME);
        InstalledContents contents = new InstalledContents(context, dataFile == null ? null : dataFile.toPath(), writeFailed);
        contents.missing = missing;
        return contents;
    }

    /**
     * Why the previous run left no whole record (none, or one cut short: it did not stop cleanly),
     * or empty if the record was read. Without one no cached plugin's content is known.
     */
    Optional<String> missing() {
        return Optional.ofNullable(missing);
    }

    /** The record's file, or null if the host has no data area. */
    Path file() {
        return file;
    }

    /**
     * Opens a batch: the changes made until it is closed (by any thread) are written once, when
     * the last batch open closes. Without one each change is written as it is made.
     */
    WriteBatch hold() {
        holds.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true) && holds.decrementAndGet() == 0) {
                flush();
            }
        };
    }

    /** How many times the record was written; for tests of the batching. */
    synchronized int writes() {
        return writes;
    }

    /** Notes that the bundle was just installed or updated from this content. */
    void record(Bundle bundle, JarContent content) {
        entries.put(bundle.getBundleId(), new Entry(bundle.getLocation(), bundle.getLastModified(), content));
        changed();
    }

    /** Forgets the bundle's content: call before changing it, so a failure halfway leaves no stale entry. */
    void forget(Bundle bundle) {
        if (entries.remove(bundle.getBundleId()) != null) {
            changed();
        }
    }

    /** Notes that the bundle's jar is now the file of this location (renamed), not the one its location names. */
    void moved(Bundle bundle, String fileLocation) {
        if (fileLocation.equals(bundle.getLocation())) {
            moves.remove(bundle.getBundleId());
        } else {
            moves.put(bundle.getBundleId(), fileLocation);
        }
        changed();
    }

    /** Forgets where the bundle's jar was renamed to: call when the bundle is uninstalled. */
    void forgetMove(Bundle bundle) {
        if (moves.remove(bundle.getBundleId()) != null) {
            changed();
        }
    }

    private void changed() {
        dirty.set(true);
        if (holds.get() == 0) {
            flush();
        }
    }

    // Writes if anything changed since the last write; a failure is told once per reason, and retried at the next change.
    private synchronized void flush() {
        if (!dirty.getAndSet(false)) {
            return;
        }
        try {
            save();
            lastFailure = null;
        } catch (IOException e) {
            dirty.set(true);
            if (!e.toString().equals(lastFailure)) {
                lastFailure = e.toString();
                writeFailed.accept(e);
            }
        }
    }

    /** The location of the file the bundle's jar was renamed to, if it was. */
    Optional<String> movedTo(Bundle bundle) {
        return Optional.ofNullable(moves.get(bundle.getBundleId()));
    }

    /** The id of the bundle whose jar was renamed to the file of this location, if any. */
    Optional<Long> movedFrom(String fileLocation) {
        for (Map.Entry<Long, String> move : moves.entrySet()) {
            if (move.getValue().equals(fileLocation)) {
                return Optional.of(move.getKey());
            }
        }
        return Optional.empty();
    }

    /** The content the bundle was installed from, if known for the bundle as it is now. */
    Optional<JarContent> of(Bundle bundle) {
        Entry entry = entries.get(bundle.getBundleId());
        if (entry == null || !entry.location().equals(bundle.getLocation())
                || entry.lastModified() != bundle.getLastModified()) {
            return Optional.empty();
        }
        return Optional.of(entry.content());
    }

    /**
     * Writes the entries of the bundles still installed as they were recorded, for the next
     * start; through a temporary file forced to disk and moved over the record, so the record is
     * always whole: the new one, or the one before.
     */
    synchronized void save() throws IOException {
        if (file == null) {
            return;
        }
        writes++;
        Map<Long, Entry> current = new TreeMap<>();
        entries.forEach((id, entry) -> {
            Bundle bundle = context.getBundle(id);
            if (bundle != null && of(bundle).isPresent()) {
                current.put(id, entry);
            }
        });
        // Written even with no entry: a record that no plugin is known differs from no record.
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<Long, Entry> e : current.entrySet()) {
            Entry entry = e.getValue();
            text.append(e.getKey()).append(' ').append(entry.lastModified()).append(' ').append(entry.content().text())
                    .append(' ').append(moves.getOrDefault(e.getKey(), AT_LOCATION)).append(' ')
                    .append(entry.location()).append('\n');
        }
        text.append(END).append(current.size()).append('\n');
        Path temp = file.resolveSibling(FILE_NAME + ".new");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            // On disk before the move, so a power cut cannot leave the new name on unwritten blocks.
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Reads the record; returns why there is none to go by (null if it was read). One cut short
     * (no end line, or one that does not count its entries) counts as none: it is not known which
     * entries it lost. Lines it cannot read are skipped: their bundles are simply not known.
     */
    private String read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return "there is no " + FILE_NAME;
        }
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        String header = lines.isEmpty() ? "" : lines.get(0);
        if (!(HEADER.equals(header) || HEADER_2.equals(header) || HEADER_1.equals(header))) {
            return FILE_NAME + " is not a record Plugboard wrote";
        }
        List<String> body = lines.subList(1, lines.size());
        if (HEADER.equals(header)) {
            String end = END + (body.size() - 1);
            if (body.isEmpty() || !body.get(body.size() - 1).equals(end)) {
                return FILE_NAME + " was cut short";
            }
            body = body.subList(0, body.size() - 1);
        }
        // Locations and file locations are URIs: no spaces, but the location may be any string.
        int count = HEADER_1.equals(header) ? 4 : 5;
        for (String line : body) {
            String[] fields = line.split(" ", count);
            if (fields.length != count || fields[count - 1].isEmpty()) {
                continue;
            }
            try {
                long id = Long.parseLong(fields[0]);
                long lastModified = Long.parseLong(fields[1]);
                Optional<JarContent> content = JarContent.parse(fields[2]);
                if (content.isPresent()) {
                    entries.put(id, new Entry(fields[count - 1], lastModified, content.get()));
                    if (count == 5 && !AT_LOCATION.equals(fields[3])) {
                        moves.put(id, fields[3]);
                    }
                }
            } catch (NumberFormatException e) {
                // Not a line we wrote.
            }
        }
        return null;
    }
}
