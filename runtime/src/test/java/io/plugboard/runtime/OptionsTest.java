package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OptionsTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private final Path work = Path.of("/work/dir");

    private Options parse(String... args) throws Options.UsageException {
        return Options.parse(List.of(args), Map.of(), work);
    }

    @Test
    public void defaultsAreFoldersInTheWorkingDirectory() throws Exception {
        Options options = parse();
        assertEquals(Path.of("/work/dir/plugins"), options.pluginsDir);
        assertEquals(Path.of("/work/dir/data"), options.dataDir);
        assertTrue(options.plugins.isEmpty());
        assertFalse(options.noShell);
        assertFalse(options.help);
    }

    @Test
    public void foldersAreMadeAbsoluteAndNormalized() throws Exception {
        Options options = parse("--plugins", "../p", "--data=/var/lib/pb/./d");
        assertEquals(Path.of("/work/p"), options.pluginsDir);
        assertEquals(Path.of("/var/lib/pb/d"), options.dataDir);
    }

    @Test
    public void pluginIsRepeatableAndKeepsItsOrderBeforeTheEnvironment() throws Exception {
        Options options = Options.parse(List.of("--plugin", "a.jar", "--plugin=/x/b.jar"),
                Map.of(Options.PLUGINS_ENV, " c.jar , ,/y/d.jar,"), work);
        assertEquals(List.of(Path.of("/work/dir/a.jar"), Path.of("/x/b.jar"),
                Path.of("/work/dir/c.jar"), Path.of("/y/d.jar")), options.plugins);
    }

    @Test
    public void flagsAreRecognized() throws Exception {
        assertTrue(parse("--no-shell").noShell);
        assertTrue(parse("--help").help);
        assertTrue(parse("-h").help);
    }

    @Test
    public void unknownOptionIsNamed() {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> parse("--shell"));
        assertEquals("unknown option --shell", e.getMessage());
    }

    @Test
    public void strayArgumentIsNamed() {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> parse("plugins"));
        assertEquals("unexpected argument plugins", e.getMessage());
    }

    @Test
    public void optionWithoutValueIsRejected() {
        assertEquals("option --data needs a value",
                assertThrows(Options.UsageException.class, () -> parse("--data")).getMessage());
        assertEquals("option --plugins needs a value",
                assertThrows(Options.UsageException.class, () -> parse("--plugins", "--no-shell")).getMessage());
        assertEquals("option --plugin needs a value",
                assertThrows(Options.UsageException.class, () -> parse("--plugin=")).getMessage());
    }

    @Test
    public void flagWithValueIsRejected() {
        assertEquals("option --no-shell takes no value",
                assertThrows(Options.UsageException.class, () -> parse("--no-shell=yes")).getMessage());
    }

    @Test
    public void missingPluginFileIsReportedWithItsPath() throws Exception {
        Path present = temp.newFile("present.jar").toPath();
        Path missing = temp.getRoot().toPath().resolve("missing.jar");
        Options options = Options.parse(List.of("--plugin", present.toString()),
                Map.of(Options.PLUGINS_ENV, missing.toString()), work);
        Options.UsageException e = assertThrows(Options.UsageException.class, options::checkPluginFilesExist);
        assertEquals("plugin file not found: " + missing, e.getMessage());
    }

    @Test
    public void aDirectoryIsNoPluginFile() throws Exception {
        Path dir = temp.newFolder("dir.jar").toPath();
        Options options = Options.parse(List.of("--plugin", dir.toString()), Map.of(), work);
        assertThrows(Options.UsageException.class, options::checkPluginFilesExist);
    }

    @Test
    public void existingPluginFilesPass() throws Exception {
        Path jar = Files.createFile(temp.getRoot().toPath().resolve("ok.jar"));
        Options.parse(List.of("--plugin", jar.toString()), Map.of(), work).checkPluginFilesExist();
    }
}
