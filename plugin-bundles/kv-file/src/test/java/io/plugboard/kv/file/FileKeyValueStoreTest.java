package io.plugboard.kv.file;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.testing.RecordingLogger;

public class FileKeyValueStoreTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private final RecordingLogger log = new RecordingLogger();
    private Path dir;
    private FileKeyValueStore store;

    @Before
    public void createStore() throws IOException {
        dir = temp.getRoot().toPath().resolve("store");
        store = new FileKeyValueStore(dir, log.logger());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    public void createsItsDirectoryAndLogsIt() {
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of("info: kv.file storing in " + dir), log.lines());
    }

    @Test
    public void roundTripsValues() throws IOException {
        store.put("hello", bytes("world"));
        store.put("empty", new byte[0]);
        assertArrayEquals(bytes("world"), store.get("hello").orElseThrow());
        assertArrayEquals(new byte[0], store.get("empty").orElseThrow());
        assertEquals(Optional.empty(), store.get("missing"));
        // Like go-plugin's KV example: one kv_<key> file holding the raw value.
        assertArrayEquals(bytes("world"), Files.readAllBytes(dir.resolve("kv_hello")));
    }

    @Test
    public void storesEveryTrickyKeyInItsOwnFile() throws IOException {
        for (String key : TrickyKeys.ALL) {
            store.put(key, bytes("value of " + key));
        }
        for (String key : TrickyKeys.ALL) {
            assertArrayEquals(key, bytes("value of " + key), store.get(key).orElseThrow());
        }
        List<String> sorted = new ArrayList<>(TrickyKeys.ALL);
        sorted.sort(null);
        assertEquals(sorted, store.keys());
        assertEquals(TrickyKeys.ALL.size(), fileNames().size());
        for (String name : fileNames()) {
            assertTrue(name, name.matches("[a-z0-9._-]{1,143}"));
        }
    }

    @Test
    public void rejectsIllegalKeysWithoutTouchingTheDirectory() throws IOException {
        assertEquals("key must not be null",
                assertThrows(IllegalArgumentException.class, () -> store.put(null, new byte[1])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.put("", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.put("x".repeat(251), new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.put("a\u0000b", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.get("tab\there"));
        assertThrows(IllegalArgumentException.class, () -> store.delete("del\u007f"));
        assertThrows(IllegalArgumentException.class, () -> store.put("k", null));
        assertEquals(List.of(), fileNames());
    }

    @Test
    public void overwritesAndDeletes() {
        String longKey = "\u4f60".repeat(250);
        for (String key : List.of("k", longKey)) {
            store.put(key, bytes("old, and longer than the new value"));
            store.put(key, bytes("new"));
            assertArrayEquals(bytes("new"), store.get(key).orElseThrow());
            assertTrue(store.delete(key));
            assertFalse(store.delete(key));
            assertEquals(Optional.empty(), store.get(key));
        }
        assertEquals(List.of(), store.keys());
    }

    @Test
    public void listsKeysSorted() {
        for (String key : List.of("b", "a/b", "B", "\u00e4", "a", "\u00e9".repeat(250))) {
            store.put(key, bytes(key));
        }
        assertEquals(List.of("B", "a", "a/b", "b", "\u00e4", "\u00e9".repeat(250)), store.keys());
    }

    @Test
    public void ignoresLeftoverTempFilesAndRemovesThemAtActivation() throws IOException {
        store.put("k", bytes("complete"));
        Path leftover = dir.resolve("tmp_4711.part");
        Files.write(leftover, bytes("half a val"));
        Files.write(dir.resolve("notes.txt"), bytes("someone else's file"));

        assertEquals(List.of("k"), store.keys());
        assertArrayEquals(bytes("complete"), store.get("k").orElseThrow());

        new FileKeyValueStore(dir, new RecordingLogger().logger());
        assertFalse(Files.exists(leftover));
        assertEquals(List.of("kv_k", "notes.txt"), fileNames());
    }

    @Test
    public void readersNeverSeeAHalfWrittenValue() throws Exception {
        // Writers alternate between two large values; a torn write would mix or truncate them.
        byte[] as = bytes("a".repeat(200_000));
        byte[] bs = bytes("b".repeat(100_000));
        store.put("big", as);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                store.put("big", i % 2 == 0 ? bs : as);
            }
        });
        writer.start();
        int reads = 0;
        while (writer.isAlive() || reads == 0) {
            byte[] read = store.get("big").orElseThrow();
            assertTrue("torn read of " + read.length + " bytes",
                    Arrays.equals(read, as) || Arrays.equals(read, bs));
            reads++;
        }
        writer.join();
        assertEquals(List.of("kv_big"), fileNames());
    }

    @Test
    public void keepsDataAcrossInstancesOnTheSameDirectory() {
        store.put("persistent", bytes("1"));
        store.put("\u00e9".repeat(250), bytes("2"));

        FileKeyValueStore reopened = new FileKeyValueStore(dir, new RecordingLogger().logger());
        assertEquals(List.of("persistent", "\u00e9".repeat(250)), reopened.keys());
        assertArrayEquals(bytes("2"), reopened.get("\u00e9".repeat(250)).orElseThrow());
    }

    @Test
    public void ioFailuresNameTheKeyAndTheFile() throws IOException {
        // A directory where the key's file belongs: cannot be read as a file or renamed over.
        Path blocker = dir.resolve("kv_blocked");
        Files.createDirectories(blocker.resolve("child"));

        KeyValueStoreException write =
                assertThrows(KeyValueStoreException.class, () -> store.put("blocked", bytes("v")));
        assertTrue(write.getMessage(), write.getMessage().startsWith(
                "kv.file cannot write key \"blocked\" in " + blocker + ": "));
        KeyValueStoreException read =
                assertThrows(KeyValueStoreException.class, () -> store.get("blocked"));
        assertTrue(read.getMessage(), read.getMessage().startsWith(
                "kv.file cannot read key \"blocked\" in " + blocker + ": "));
        // The failed write left no temporary file behind.
        assertEquals(List.of("kv_blocked"), fileNames());
    }

    @Test
    public void corruptLongKeyFileIsReportedOnReadAndSkippedInListing() throws IOException {
        String key = "\u00e9".repeat(250);
        Path file = dir.resolve(KeyFiles.fileName(key));
        Files.write(file, new byte[] {0, 9, 0});

        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get(key));
        assertTrue(e.getMessage(), e.getMessage().contains(file + " does not start with a key"));
        assertEquals(List.of(), store.keys());
        List<String> lines = log.lines();
        String lastLine = lines.get(lines.size() - 1);
        assertTrue(lastLine, lastLine.startsWith("warn: kv.file ignores " + file));
    }

    @Test
    public void longKeyFileUnderAnotherKeysNameIsNeverMistakenForIt() throws IOException {
        String first = "\u00e9".repeat(250);
        String second = "\u00e8".repeat(250);
        store.put(first, bytes("first"));
        Path secondFile = dir.resolve(KeyFiles.fileName(second));
        Files.copy(dir.resolve(KeyFiles.fileName(first)), secondFile);

        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> store.get(second));
        assertTrue(e.getMessage(), e.getMessage().contains(secondFile + " holds key \"" + first + "\""));
        assertEquals(List.of(first), store.keys());
    }

    @Test
    public void directoryThatCannotBeCreatedIsAClearError() throws IOException {
        Path file = temp.newFile("not-a-directory").toPath();
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class,
                () -> new FileKeyValueStore(file.resolve("kv"), log.logger()));
        assertTrue(e.getMessage(), e.getMessage().startsWith(
                "kv.file cannot create its directory " + file.resolve("kv") + ": "));
    }

    @Test
    public void directoryComesFromConfigurationThenDataDirThenBundleArea() {
        Path bundleArea = temp.getRoot().toPath().resolve("bundle-data");
        assertEquals(Path.of("/configured"),
                FileKeyValueStore.storageDirectory("/configured", "/data", bundleArea::toFile));
        assertEquals(Path.of("/data", "kv-file"),
                FileKeyValueStore.storageDirectory(" ", "/data", bundleArea::toFile));
        assertEquals(bundleArea, FileKeyValueStore.storageDirectory("", null, bundleArea::toFile));
        KeyValueStoreException none = assertThrows(KeyValueStoreException.class,
                () -> FileKeyValueStore.storageDirectory("", "", () -> null));
        assertTrue(none.getMessage(), none.getMessage().contains("io.plugboard.kv.file")
                && none.getMessage().contains("plugboard.data.dir"));
    }
}
