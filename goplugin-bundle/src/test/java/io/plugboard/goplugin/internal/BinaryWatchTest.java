package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
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
            assertEquals(Optional.empty(), watch.poll(true));
            assertEquals(Hashes.sha256(binary), running.knownSha256());
        }
    }

    @Test
    public void aBinaryMadeExecutableAgainCountsOnceNoInstanceServes() throws Exception {
        assertEquals(Optional.empty(), watch.poll(true));
        setExecutable(false);
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals(Optional.empty(), watch.poll(false));
        setExecutable(true);
        assertEquals("chmod +x after the restarts failed", Optional.of(Hashes.sha256(binary)), watch.poll(false));
        assertEquals("reported once", Optional.empty(), watch.poll(false));
    }

    @Test
    public void aModeChangeIsNoChangeWhileTheInstanceServes() throws Exception {
        assertEquals(Optional.empty(), watch.poll(true));
        setExecutable(false);
        assertEquals(Optional.empty(), watch.poll(true));
        setExecutable(true);
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals(Optional.empty(), watch.poll(true));
    }

    @Test
    public void aChangeSinceTheStartIsSeenAtTheFirstPoll() throws Exception {
        // The baseline is the stat at the start, not at the watch's creation.
        replace("#!/bin/sh\n# v2\n");
        BinaryWatch late = new BinaryWatch(running);
        assertEquals(Optional.empty(), late.poll(true));
        assertEquals(Optional.of(Hashes.sha256(binary)), late.poll(true));
    }

    @Test
    public void aReplacementWithTheSameContentIsNotReported() throws Exception {
        replace("#!/bin/sh\n# v1\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals("a new file, the same hash as the running one", Optional.empty(), watch.poll(true));
        assertEquals("the running binary was hashed to tell", Hashes.sha256(binary), running.knownSha256());
    }

    @Test
    public void aReplacedBinaryIsComparedWithTheBytesThatWereStarted() throws Exception {
        String started = Hashes.sha256(binary);
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll(true));
        assertEquals("hashed from the file kept open, after the path was replaced", started, running.knownSha256());
    }

    @Test
    public void aChangeAfterTheInstanceWasReleasedUnhashedCounts() throws Exception {
        running.close();
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals("the old content is unknown: reported", Optional.of(Hashes.sha256(binary)), watch.poll(false));
    }

    @Test
    public void theServingBytesPutBackAreNoChangeWhileTheInstanceServes() throws Exception {
        String started = Hashes.sha256(binary);
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertTrue("reported (and, say, failed to start)", watch.poll(true).isPresent());
        replace("#!/bin/sh\n# v1\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals("the bytes that serve: nothing to replace", Optional.empty(), watch.poll(true));
        assertEquals(started, Hashes.sha256(binary));
    }

    @Test
    public void theServedBytesPutBackAfterABrokenVersionCountOnceNoInstanceServes() throws Exception {
        // The audit's case: v2 failed as a replacement, the instance was killed, the restarts
        // started v2 from disk and the plugin was given up; then v1, which served last, comes back.
        String started = Hashes.sha256(binary);
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals("the first poll hashed the started file", started, running.knownSha256());
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertTrue(watch.poll(true).isPresent());
        running.close();
        assertEquals("v2 again, unchanged: no change", Optional.empty(), watch.poll(false));
        replace("#!/bin/sh\n# v1\n");
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals("a change from what was looked at last", Optional.of(started), watch.poll(false));
        assertEquals("reported once", Optional.empty(), watch.poll(false));
    }

    @Test
    public void theSameBytesWrittenAgainOrTouchedAreNoChangeNoInstanceServes() throws Exception {
        assertEquals(Optional.empty(), watch.poll(true));
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll(true));
        assertTrue(watch.poll(true).isPresent());
        running.close();
        replace("#!/bin/sh\n# v2\n");
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals("a new file with the bytes looked at last", Optional.empty(), watch.poll(false));
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals("a touch", Optional.empty(), watch.poll(false));
    }

    @Test
    public void theStartedBytesAreTheBaselineNoInstanceServesUntilAVersionWasLookedAt() throws Exception {
        String started = Hashes.sha256(binary);
        assertEquals(Optional.empty(), watch.poll(true));
        running.close();
        replace("#!/bin/sh\n# v1\n");
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals("the started bytes again: no change", Optional.empty(), watch.poll(false));
        replace("#!/bin/sh\n# v3\n");
        assertEquals(Optional.empty(), watch.poll(false));
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll(false));
        assertEquals(started, running.knownSha256());
    }

    @Test
    public void aTouchBeforeTheFirstPollCountsAsAChange() throws Exception {
        // Changed in place before it was hashed: the started bytes are unknown (documented).
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll(true));
        assertEquals("reported once", Optional.empty(), watch.poll(true));
    }

    private void replace(String content) throws Exception {
        Path next = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin.new"), content);
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    public void aReplacedBinaryIsReportedOnceItIsStable() throws Exception {
        Path next = DescriptorTest.executable(temp.getRoot().toPath().resolve("kv-plugin.new"), "#!/bin/sh\n# v2\n");
        Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("first sight: it may still change", Optional.empty(), watch.poll(true));
        assertEquals(Optional.of(Hashes.sha256(binary)), watch.poll(true));
        assertEquals("reported once", Optional.empty(), watch.poll(true));
    }

    @Test
    public void aBinaryStillBeingWrittenWaits() throws Exception {
        Files.writeString(binary, "#!/bin/sh\n# v2, part");
        assertEquals(Optional.empty(), watch.poll(true));
        Files.writeString(binary, "#!/bin/sh\n# v2, part and the rest\n");
        assertEquals("changed again since the last poll", Optional.empty(), watch.poll(true));
        Optional<String> reported = watch.poll(true);
        assertEquals(Optional.of(Hashes.sha256(binary)), reported);
    }

    @Test
    public void aTouchWithoutNewContentIsNotReported() throws Exception {
        assertEquals("the first poll hashes the started file", Optional.empty(), watch.poll(true));
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 10_000));
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals("same hash as the running one", Optional.empty(), watch.poll(true));
        assertEquals(Optional.empty(), watch.poll(true));
    }

    @Test
    public void aMissingBinaryWaitsForItsReturn() throws Exception {
        Files.delete(binary);
        assertEquals(Optional.empty(), watch.poll(true));
        assertEquals(Optional.empty(), watch.poll(true));
        // Another size too: the file may get the old inode back within the same time-stamp tick,
        // and equal size, time and inode would look like the file that was there before.
        DescriptorTest.executable(binary, "#!/bin/sh\n# version 3, back after being deleted\n");
        assertEquals(Optional.empty(), watch.poll(true));
        Optional<String> reported = watch.poll(true);
        assertTrue(reported.isPresent());
        assertEquals(Hashes.sha256(binary), reported.get());
    }

    private void setExecutable(boolean executable) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(binary);
        if (executable) {
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
        } else {
            permissions.removeAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(binary, permissions);
    }
}
