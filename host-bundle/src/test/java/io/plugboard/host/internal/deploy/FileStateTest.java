package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FileStateTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void equalWhenSizeTimeAndKeyAreEqual() {
        FileState state = new FileState(10, 20, "inode-1");

        assertEquals(new FileState(10, 20, "inode-1"), state);
        assertEquals(new FileState(10, 20, "inode-1").hashCode(), state.hashCode());
        assertEquals(new FileState(10, 20, null), new FileState(10, 20, null));
    }

    @Test
    public void differentWhenAnyPartDiffers() {
        FileState state = new FileState(10, 20, "inode-1");

        assertNotEquals(new FileState(11, 20, "inode-1"), state);
        assertNotEquals(new FileState(10, 21, "inode-1"), state);
        assertNotEquals(new FileState(10, 20, "inode-2"), state);
        assertNotEquals(new FileState(10, 20, null), state);
        assertNotEquals(null, state);
    }

    @Test
    public void readsTheSameStateTwiceForAnUnchangedFile() throws Exception {
        Path file = temp.getRoot().toPath().resolve("a.jar");
        Files.write(file, new byte[] {1, 2, 3});

        FileState state = FileState.of(file);

        assertEquals(3, state.size());
        assertFalse(state.isAbsent());
        assertEquals(state, FileState.of(file));
        assertTrue(FileState.of(temp.getRoot().toPath().resolve("missing.jar")).isAbsent());
    }

    /**
     * The first scan compares every file's state: a record's generated equals would bootstrap
     * ObjectMethods there (10-20 ms of a first start), so FileState writes out all three methods
     * and its class file must not refer to ObjectMethods at all.
     */
    @Test
    public void classFileHasNoObjectMethodsBootstrap() throws Exception {
        byte[] classFile;
        try (InputStream in = FileState.class.getResourceAsStream("FileState.class")) {
            assertNotNull(in);
            classFile = in.readAllBytes();
        }

        assertFalse(new String(classFile, StandardCharsets.ISO_8859_1).contains("java/lang/runtime/ObjectMethods"));
    }
}
