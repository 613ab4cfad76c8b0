package io.plugboard.host.internal.deploy;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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
 * installer (Gogo's {@code update}). The entries are saved when the host stops and the file is
 * deleted as it is read at the next start: after a crash there is no file, so no cached plugin
 * is trusted, each is installed again from its jar.
 */
final class InstalledContents {

    /** The file in the host's data area. */
    static final String FILE_NAME = "plugin-contents.txt";
    private static final String HEADER = "# plugboard plugin contents 2: id last-modified crc-size file location";
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

    private InstalledContents(BundleContext context, Path file) {
        this.context = context;
        this.file = file;
    }

    /** The entries saved when the host last stopped (the file is deleted as it is read); none if there are none. */
    static InstalledContents load(BundleContext context) throws IOException {
        InstalledContents contents = empty(context);
        if (contents.file != null) {
            contents.read();
        }
        return contents;
    }

    /** No entries (for when the saved ones cannot be read); saved to the same file. */
    static InstalledContents empty(BundleContext context) {
        File dataFile = context.getDataFile(FILE_NAME);
        return new InstalledContents(context, dataFile == null ? null : dataFile.toPath());
    }

    /** Notes that the bundle was just installed or updated from this content. */
    void record(Bundle bundle, JarContent content) {
        entries.put(bundle.getBundleId(), new Entry(bundle.getLocation(), bundle.getLastModified(), content));
    }

    /** Forgets the bundle's content: call before changing it, so a failure halfway leaves no stale entry. */
    void forget(Bundle bundle) {
        entries.remove(bundle.getBundleId());
    }

    /** Notes that the bundle's jar is now the file of this location (renamed), not the one its location names. */
    void moved(Bundle bundle, String fileLocation) {
        if (fileLocation.equals(bundle.getLocation())) {
            moves.remove(bundle.getBundleId());
        } else {
            moves.put(bundle.getBundleId(), fileLocation);
        }
    }

    /** Forgets where the bundle's jar was renamed to: call when the bundle is uninstalled. */
    void forgetMove(Bundle bundle) {
        moves.remove(bundle.getBundleId());
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
     * start; through a temporary file, so the file is either whole or absent.
     */
    void save() throws IOException {
        if (file == null) {
            return;
        }
        Map<Long, Entry> current = new TreeMap<>();
        entries.forEach((id, entry) -> {
            Bundle bundle = context.getBundle(id);
            if (bundle != null && of(bundle).isPresent()) {
                current.put(id, entry);
            }
        });
        if (current.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path temp = file.resolveSibling(FILE_NAME + ".new");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.newLine();
            for (Map.Entry<Long, Entry> e : current.entrySet()) {
                Entry entry = e.getValue();
                out.write(e.getKey() + " " + entry.lastModified() + " " + entry.content().text() + " "
                        + moves.getOrDefault(e.getKey(), AT_LOCATION) + " " + entry.location());
                out.newLine();
            }
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // Lines it cannot read are skipped: their bundles are simply not known.
    private void read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        Files.delete(file);
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        if (lines.isEmpty() || !(HEADER.equals(lines.get(0)) || HEADER_1.equals(lines.get(0)))) {
            return;
        }
        // Locations and file locations are URIs: no spaces, but the location may be any string.
        int count = HEADER.equals(lines.get(0)) ? 5 : 4;
        for (String line : lines.subList(1, lines.size())) {
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
    }
}
