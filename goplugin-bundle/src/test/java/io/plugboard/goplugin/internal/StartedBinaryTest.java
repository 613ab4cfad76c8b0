package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** StartedBinary: no hash until asked, the started bytes even after a replacement, what a close leaves. */
public class StartedBinaryTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path executable(String name, String content) throws IOException {
        return DescriptorTest.executable(temp.getRoot().toPath().resolve(name), content);
    }

    @Test
    public void opensWithItsStatAndNoHash() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n# v1\n");
        try (StartedBinary started = StartedBinary.open(binary)) {
            assertEquals(binary, started.path());
            assertEquals(StartedBinary.Stat.of(binary), started.stat());
            assertEquals(Files.size(binary), started.stat().size());
            assertNull(started.knownSha256());
            assertEquals(Hashes.sha256(binary), started.sha256());
            assertEquals(Hashes.sha256(binary), started.knownSha256());
        }
    }

    @Test
    public void hashesTheStartedBytesAfterTheFileWasReplaced() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n# v1\n");
        String v1 = Hashes.sha256(binary);
        try (StartedBinary started = StartedBinary.open(binary)) {
            Path next = executable("kv.new", "#!/bin/sh\n# v2, longer than v1\n");
            Files.move(next, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(v1, started.sha256());
        }
    }

    @Test
    public void aHashTakenBeforeTheCloseStaysKnown() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n");
        StartedBinary started = StartedBinary.open(binary);
        String hash = started.sha256();
        started.close();
        assertEquals(hash, started.sha256());
    }

    @Test
    public void closedBeforeItWasHashedItCannotTell() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n");
        StartedBinary started = StartedBinary.open(binary);
        started.close();
        IOException e = assertThrows(IOException.class, started::sha256);
        assertEquals(binary + " was not hashed while its instance ran", e.getMessage());
        assertNull(started.knownSha256());
    }

    @Test
    public void aChangeInPlaceBeforeTheHashMakesTheStartedBytesUnknown() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n# v1\n");
        try (StartedBinary started = StartedBinary.open(binary)) {
            Files.writeString(binary, "#!/bin/sh\n# v2, written in place\n");
            IOException e = assertThrows(IOException.class, started::sha256);
            assertEquals(binary + " was changed in place before it was hashed", e.getMessage());
            assertNull(started.knownSha256());
        }
    }

    @Test
    public void aChangeInPlaceAfterTheHashLeavesIt() throws Exception {
        Path binary = executable("kv", "#!/bin/sh\n# v1\n");
        String v1 = Hashes.sha256(binary);
        try (StartedBinary started = StartedBinary.open(binary)) {
            assertEquals(v1, started.sha256());
            Files.writeString(binary, "#!/bin/sh\n# v2, written in place\n");
            assertEquals(v1, started.sha256());
        }
    }

    @Test
    public void aMissingBinaryCannotBeOpened() {
        Path missing = temp.getRoot().toPath().resolve("no-such-kv");
        assertThrows(NoSuchFileException.class, () -> StartedBinary.open(missing));
        assertNull(StartedBinary.Stat.of(missing));
    }
}
