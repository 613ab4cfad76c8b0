package io.plugboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The bench's working folder: one fresh subfolder per framework, deleted when done. */
final class Workspace {

    private final Path root;
    private int next;

    Workspace(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    /** The root folder. */
    Path root() {
        return root;
    }

    /** A new, empty folder for one framework or child process. */
    synchronized Path fresh(String name) throws IOException {
        return Files.createDirectories(root.resolve(String.format("%02d-%s", next++, name)));
    }

    /** Deletes a folder made by {@link #fresh}, ignoring what cannot be deleted. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Leftovers in a temporary folder are harmless.
        }
    }
}
