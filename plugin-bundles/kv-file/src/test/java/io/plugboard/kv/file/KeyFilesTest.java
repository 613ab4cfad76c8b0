package io.plugboard.kv.file;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.junit.Test;

public class KeyFilesTest {

    @Test
    public void plainKeysKeepTheirNames() {
        assertEquals("kv_hello", KeyFiles.fileName("hello"));
        assertEquals("kv_config.json", KeyFiles.fileName("config.json"));
        assertEquals("kv_a-b-1", KeyFiles.fileName("a-b-1"));
    }

    @Test
    public void everythingElseIsEscaped() {
        assertEquals("kv__0048i", KeyFiles.fileName("Hi"));
        assertEquals("kv__002f", KeyFiles.fileName("/"));
        assertEquals("kv_._002e", KeyFiles.fileName(".."));
        assertEquals("kv__005f", KeyFiles.fileName("_"));
        assertEquals("kv_a_0020b", KeyFiles.fileName("a b"));
        assertEquals("kv__4f60_597d", KeyFiles.fileName("\u4f60\u597d"));
    }

    @Test
    public void namesRoundTrip() {
        for (String key : TrickyKeys.ALL) {
            String name = KeyFiles.fileName(key);
            if (!KeyFiles.isHashed(name)) {
                assertEquals(name, Optional.of(key), KeyFiles.keyOfDirectName(name));
            }
        }
    }

    @Test
    public void namesArePortableDistinctAndShort() {
        Set<String> foldedNames = new HashSet<>();
        for (String key : TrickyKeys.ALL) {
            String name = KeyFiles.fileName(key);
            assertTrue(name, name.matches("[a-z0-9._-]+"));
            assertFalse(name, name.endsWith("."));
            assertTrue(name, name.getBytes(StandardCharsets.UTF_8).length <= KeyFiles.MAX_NAME_LENGTH);
            // Distinct even on a file system that ignores case.
            assertTrue("two keys share " + name, foldedNames.add(name.toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    public void longKeysGetHashedNames() {
        String longKey = "\u00e9".repeat(250);
        String name = KeyFiles.fileName(longKey);
        assertTrue(name, KeyFiles.isHashed(name));
        assertEquals(4 + 64, name.length());
        // The longest key that still fits uses a direct name; one more character does not.
        String fits = "a".repeat(KeyFiles.MAX_NAME_LENGTH - 3);
        assertFalse(KeyFiles.isHashed(KeyFiles.fileName(fits)));
        assertTrue(KeyFiles.isHashed(KeyFiles.fileName(fits + "a")));
    }

    @Test
    public void foreignAndNonCanonicalNamesAreNotKeys() {
        for (String name : List.of("tmp_123.part", "README", "kv_", "kv_Hello", "kv__00", "kv__zzzz",
                "kv__0061", "kv_a.", "kv__000a", "kv_" + "a".repeat(KeyFiles.MAX_NAME_LENGTH))) {
            assertEquals(name, Optional.empty(), KeyFiles.keyOfDirectName(name));
        }
    }

    @Test
    public void hashedContentStartsWithTheKey() {
        String key = "\ud800 lone surrogate " + "x".repeat(200);
        byte[] content = KeyFiles.hashedContent(key, new byte[] {1, 2, 3});
        assertEquals(Optional.of(key), KeyFiles.storedKey(content));
        assertArrayEquals(new byte[] {1, 2, 3}, KeyFiles.hashedValue(key, content));
    }

    @Test
    public void corruptHashedContentHasNoKey() {
        assertEquals(Optional.empty(), KeyFiles.storedKey(new byte[0]));
        assertEquals(Optional.empty(), KeyFiles.storedKey(new byte[] {0, 5, 0, 'a'}));
        assertEquals(Optional.empty(), KeyFiles.storedKey(new byte[] {0, 0}));
    }
}
