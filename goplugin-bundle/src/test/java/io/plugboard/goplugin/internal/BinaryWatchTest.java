package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** BinaryWatch: a stat per poll against the start's, a hash only for a settled change. */
public class BinaryWatchTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path binary;
    private StartedBinary running;
    private BinaryWatch watch;

    @Before
    public void setUp() throws Exception {
        binary = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin"), "#!/bin/sh\n# v1\n");
        running = StartedBinary.open(binary);
        watch = new BinaryWatch(running);
    }

    @After
    public void tearDown() {
        running.close();
    }

    @Test
    public void anUnchangedBinaryIsNeverReportedAndHashedAtTheFirstPoll() throws Exception {
        assertNull("not hashed at the start", running.knownSha256());
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), watch.poll());
            assertEquals(Hashes.sha256(binary), running.knownSha256());
        }
    }

    @Test
    public void aChangeSinceTheStartIsSeenAtTheFirstPoll() throws Exception {
        // The baseline is the stat at the start, not at the watch's creation.
        replace("#!/bin/sh\n# v2\n");
        BinaryWatch late = new BinaryWatch(running);
        assertEquals(Optional.empty(), late.poll());
        assertEquals(Optional.of(Hashes.sha256(binary)), late.poll());
    }

    @Test
    public void aReplacementWithTheSameContentIsNotReported() throws Exception {
        replace("#!/bin/sh\n# v1\n");
        assertEquals(Optional.empty(), watch.poll());
        assertEquals("a new file, the same hash as the running one", Optional.empty(), watch.poll());
        assertEquals("the running binary was hashed to tell", Hashes.sha256(binary), running.knownSha256());
    }

    @Test
    public void aReplacedBinaryIsComparedWithTheBytesThatWereStarted() throws Exception {
        String started = Hashes.sha256(binary);
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll());
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll());
        assertEquals("hashed from the file kept open, after the path was replaced", started, running.knownSha256());
    }

    @Test
    public void aChangeAfterTheInstanceWasReleasedUnhashedCounts() throws Exception {
        running.close();
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll());
        assertEquals("the old content is unknown: reported", Optional.of(Hashes.sha256(binary)), watch.poll());
    }

    @Test
    public void aTouchBeforeTheFirstPollCountsAsAChange() throws Exception {
        // Changed in place before it was hashed: the started bytes are unknown (documented).
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll());
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll());
        assertEquals("reported once", Optional.empty(), watch.poll());
    }

    private void replace(String content) throws Exception {
        Path next = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin.new"), content);
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        assertEquals("the first poll hashes the started file", Optional.empty(), watch.poll());
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
