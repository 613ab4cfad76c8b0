package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assume.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PluginSourceTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void locationIsTheFileUri() throws Exception {
        Path jar = temp.newFile("a.jar").toPath();

        PluginSource source = PluginSource.parse(jar.toString());

        assertEquals(jar.toUri().toString(), source.location());
        assertEquals(Optional.of(jar), PluginSource.fileOf(source.location()));
    }

    @Test
    public void aFileUrlIsTheSameSourceAsItsPath() throws Exception {
        Path jar = temp.newFile("a.jar").toPath();

        assertEquals(PluginSource.parse(jar.toString()).location(), PluginSource.parse(jar.toUri().toString()).location());
    }

    @Test
    public void relativePathsResolveAgainstTheWorkingDirectory() {
        PluginSource source = PluginSource.parse("plugins/../x.jar");

        assertEquals(Path.of(System.getProperty("user.dir"), "x.jar").toUri().toString(), source.location());
    }

    @Test
    public void otherUrlsAreKeptAsTheLocation() {
        assertEquals("https://example.org/x.jar", PluginSource.parse("https://example.org/x.jar").location());
    }

    @Test
    public void copiesTheFile() throws Exception {
        byte[] content = TestJars.plugin("a", "1.0.0");
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("a.jar"), content);
        Path copy = temp.getRoot().toPath().resolve("copy");

        PluginSource.parse(jar.toString()).copyTo(copy);

        assertArrayEquals(content, Files.readAllBytes(copy));
    }

    @Test
    public void missingFile() {
        Path missing = temp.getRoot().toPath().resolve("missing.jar");

        assertCopyFails(missing.toString(), missing + " does not exist");
    }

    @Test
    public void directory() {
        assertCopyFails(temp.getRoot().toString(), temp.getRoot() + " is a directory, not a plugin jar");
    }

    @Test
    public void unreadableFile() throws Exception {
        assumeFalse("root can read anything", "root".equals(System.getProperty("user.name")));
        Path jar = temp.newFile("secret.jar").toPath();
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("-w-------"));

        assertCopyFails(jar.toString(), jar + " cannot be read (permission denied)");
    }

    @Test
    public void urlThatCannotBeDownloaded() {
        Path missing = temp.getRoot().toPath().resolve("gone.jar");
        // A jar: URL is not a file URL, so it goes through the download path.
        String url = "jar:" + missing.toUri() + "!/x";

        assertCopyFails(url, "Cannot download " + url + ": not found");
    }

    @Test
    public void blankIsRejected() {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> PluginSource.parse("  "));
        assertEquals("No plugin path or URL given", e.getMessage());
    }

    @Test
    public void badUrlIsRejected() {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> PluginSource.parse("http://exa mple/x.jar"));
        assertEquals("'http://exa mple/x.jar' is not a valid URL: Illegal character in authority at index 7: http://exa mple/x.jar",
                e.getMessage());
    }

    private void assertCopyFails(String pathOrUrl, String message) {
        PluginSource source = PluginSource.parse(pathOrUrl);
        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> source.copyTo(temp.getRoot().toPath().resolve("copy")));
        assertEquals(message, e.getMessage());
    }

    @Test
    public void aPathsControlCharactersAreEscapedInTheMessage() {
        // A name typed or pasted with an escape sequence must not reach the terminal as one.
        Path missing = temp.getRoot().toPath().resolve("red\u001b[31m\rx.jar");

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> PluginSource.parse(missing.toString()).readBytes());

        assertEquals(temp.getRoot().toPath().resolve("red\\u001b[31m\\rx.jar") + " does not exist", e.getMessage());
    }

    @Test
    public void aMessagesOwnLineBreaksAndTabsStay() {
        // A handler's message may list lines (a plugin's last stderr lines); only they may break it.
        assertEquals("kv.go: exited. Last stderr lines:\n\tpanic: \\u0007boom",
                new PluginInstallException("kv.go: exited. Last stderr lines:\n\tpanic: \u0007boom").getMessage());
    }
}
