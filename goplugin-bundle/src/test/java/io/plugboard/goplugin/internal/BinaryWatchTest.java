package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BinaryWatchTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path binary;
    private BinaryWatch watch;

    @Before
    public void setUp() throws Exception {
        binary = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin"), "#!/bin/sh\n# v1\n");
        watch = new BinaryWatch(binary, Hashes.sha256(binary));
    }

    @Test
    public void anUnchangedBinaryIsNeverReported() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), watch.poll());
        }
    }

    @Test
    public void aReplacedBinaryIsReportedOnceItIsStable() throws Exception {
        Path next = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin.new"), "#!/bin/sh\n# v2\n");
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("first sight: it may still change", Optional.empty(), watch.poll());
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll());
        assertEquals("reported once", Optional.empty(), watch.poll());
    }

    @Test
    public void aBinaryStillBeingWrittenWaits() throws Exception {
        Files.writeString(binary, "#!/bin/sh\n# v2, part");
        assertEquals(Optional.empty(), watch.poll());
        Files.writeString(binary, "#!/bin/sh\n# v2, part and the rest\n");
        assertEquals("changed again since the last poll", Optional.empty(), watch.poll());
        Optional<String> reported = watch.poll();
        assertEquals(Optional.of(Hashes.sha256(binary)), reported);
    }

    @Test
    public void aTouchWithoutNewContentIsNotReported() throws Exception {
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll());
        assertEquals("same hash as the running one", Optional.empty(), watch.poll());
        assertEquals(Optional.empty(), watch.poll());
    }

    @Test
    public void aMissingBinaryWaitsForItsReturn() throws Exception {
        Files.delete(binary);
        assertEquals(Optional.empty(), watch.poll());
        assertEquals(Optional.empty(), watch.poll());
        // Another size too: the file may get the old inode back within the same time-stamp tick,
        // and equal size, time and inode would look like the file that was there before.
        DescriptorTest.executable(binary, "#!/bin/sh\n# version 3, back after being deleted\n");
        assertEquals(Optional.empty(), watch.poll());
        Optional<String> reported = watch.poll();
        assertTrue(reported.isPresent());
        assertEquals(Hashes.sha256(binary), reported.get());
    }
}
