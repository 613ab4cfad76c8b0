package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The record of what each plugin was installed from, in a real framework's data area: durable
 * as it changes (a start after a crash reads it as after a clean stop), whole or absent, and
 * written once per batch.
 */
public class InstalledContentsTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    private final List<IOException> failures = new ArrayList<>();

    @Test
    public void eachChangeIsOnDiskWithoutACleanStop() throws Exception {
        InstalledContents contents = load();
        Bundle a = install("a");
        contents.record(a, new JarContent(7, 70));

        // No save(): a kill -9 now leaves exactly this on disk.
        InstalledContents next = load();
        assertEquals(Optional.empty(), next.missing());
        assertEquals(Optional.of(new JarContent(7, 70)), next.of(a));

        contents.forget(a);
        assertEquals(Optional.empty(), load().of(a));
        assertEquals(Optional.empty(), load().missing());
    }

    @Test
    public void aMoveIsOnDiskAsItIsMade() throws Exception {
        InstalledContents contents = load();
        Bundle a = install("a");
        contents.record(a, new JarContent(7, 70));
        contents.moved(a, "file:/plugins/renamed.jar");

        assertEquals(Optional.of("file:/plugins/renamed.jar"), load().movedTo(a));
    }

    @Test
    public void theRecordIsReadAgainAtEachStartNotConsumed() throws Exception {
        Bundle a = install("a");
        load().record(a, new JarContent(7, 70));

        load();
        assertEquals("a second crash right after a start", Optional.of(new JarContent(7, 70)), load().of(a));
    }

    @Test
    public void aRecordCutShortCountsAsNone() throws Exception {
        InstalledContents contents = load();
        Bundle a = install("a");
        Bundle b = install("b");
        contents.record(a, new JarContent(7, 70));
        contents.record(b, new JarContent(8, 80));
        Path file = contents.file();
        String whole = Files.readString(file);

        // Every prefix (as a write without the atomic move could leave it) reads as no record, never
        // as part of one; all but the last newline is the whole record.
        for (int length = 0; length < whole.length() - 1; length++) {
            Files.writeString(file, whole.substring(0, length));
            InstalledContents cut = load();
            assertTrue("cut at " + length, cut.missing().isPresent());
            assertEquals("cut at " + length, Optional.empty(), cut.of(a));
        }
        Files.writeString(file, whole);
        assertEquals(Optional.of(new JarContent(8, 80)), load().of(b));
    }

    @Test
    public void noRecordAndAForeignOneSayWhy() throws Exception {
        Path file = felix.hostContext().getDataFile(InstalledContents.FILE_NAME).toPath();
        assertEquals(Optional.of("there is no " + InstalledContents.FILE_NAME), load().missing());
        Files.writeString(file, "garbage\n");
        assertEquals(Optional.of(InstalledContents.FILE_NAME + " is not a record Plugboard wrote"), load().missing());
    }

    @Test
    public void theFormatSavedOnlyAtACleanStopIsStillRead() throws Exception {
        Bundle a = install("a");
        Path file = felix.hostContext().getDataFile(InstalledContents.FILE_NAME).toPath();
        Files.writeString(file, "# plugboard plugin contents 2: id last-modified crc-size file location\n"
                + a.getBundleId() + " " + a.getLastModified() + " " + new JarContent(7, 70).text() + " - "
                + a.getLocation() + "\n", StandardCharsets.UTF_8);

        InstalledContents contents = load();
        assertEquals(Optional.empty(), contents.missing());
        assertEquals(Optional.of(new JarContent(7, 70)), contents.of(a));
    }

    @Test
    public void aBatchWritesOnceWhenItsLastHoldCloses() throws Exception {
        InstalledContents contents = load();
        List<Bundle> bundles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bundles.add(install("b" + i));
        }
        int before = contents.writes();
        try (WriteBatch outer = contents.hold()) {
            try (WriteBatch inner = contents.hold()) {
                for (Bundle bundle : bundles) {
                    contents.record(bundle, new JarContent(bundle.getBundleId(), 1));
                }
            }
            assertEquals("an outer batch is still open", before, contents.writes());
            contents.forget(bundles.get(0));
        }
        assertEquals(before + 1, contents.writes());
        InstalledContents next = load();
        assertEquals(Optional.empty(), next.of(bundles.get(0)));
        assertEquals(Optional.of(new JarContent(bundles.get(1).getBundleId(), 1)), next.of(bundles.get(1)));

        // Outside a batch, each change is written at once.
        contents.forget(bundles.get(1));
        contents.forget(bundles.get(2));
        assertEquals(before + 3, contents.writes());
        // A batch that changes nothing writes nothing.
        contents.hold().close();
        assertEquals(before + 3, contents.writes());
    }

    @Test
    public void aFailedWriteIsToldOnceAndTheRecordOnDiskStaysWhole() throws Exception {
        InstalledContents contents = load();
        Bundle a = install("a");
        Bundle b = install("b");
        contents.record(a, new JarContent(7, 70));
        Path blocker = contents.file().resolveSibling(InstalledContents.FILE_NAME + ".new");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("x"), "keeps the directory from being replaced");

        contents.record(b, new JarContent(8, 80));
        contents.forget(b);
        contents.record(b, new JarContent(9, 90));

        assertEquals(failures.toString(), 1, failures.size());
        InstalledContents onDisk = load();
        assertEquals("the record before the failures", Optional.of(new JarContent(7, 70)), onDisk.of(a));
        assertEquals(Optional.empty(), onDisk.of(b));

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        contents.forget(a);
        assertEquals(Optional.of(new JarContent(9, 90)), load().of(b));
        assertFalse(Files.exists(blocker));
    }

    private InstalledContents load() throws IOException {
        return InstalledContents.load(felix.hostContext(), failures::add);
    }

    private Bundle install(String name) throws Exception {
        BundleContext context = felix.hostContext();
        return context.installBundle("test:" + name,
                new ByteArrayInputStream(TestJars.plugin("io.example." + name, "1.0.0")));
    }
}
