package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import io.plugboard.testing.RecordingLogger;

/** Which handler takes which files, and which extensions a handler may declare. */
public class PluginFileHandlersTest {

    private final RecordingLogger log = new RecordingLogger();
    private final PluginFileHandlers handlers = new PluginFileHandlers(log.logger());

    @Test
    public void aFileGoesToTheHandlerOfTheLongestExtensionItsNameEndsWith() {
        FileHandler gz = handler(".gz", 1, 0);
        FileHandler targz = handler(".tar.gz", 2, 0);
        handlers.add(gz);
        handlers.add(targz);

        assertEquals(Optional.of(targz), handlers.forFile(Path.of("/p/a.Tar.GZ")));
        assertEquals(Optional.of(gz), handlers.forFile(Path.of("a.gz")));
        assertEquals(Optional.empty(), handlers.forFile(Path.of(".gz")));
        assertEquals(Optional.empty(), handlers.forFile(Path.of("a.jar")));
    }

    @Test
    public void ofTwoHandlersOfOneExtensionTheHigherRankingServesAndTheOtherTakesOverWhenItLeaves() {
        FileHandler older = handler(".goplugin", 5, 0);
        FileHandler ranked = handler(".goplugin", 9, 10);
        handlers.add(older);
        handlers.add(ranked);

        assertEquals(List.of(ranked), handlers.handlers());
        assertEquals(List.of("info: 2 handlers take *.goplugin files: the *.goplugin handler (b 1.0.0) (service 9) "
                + "serves them, the others wait: the *.goplugin handler (b 1.0.0) (service 5)"), log.lines());

        handlers.remove(9);
        assertEquals(List.of(older), handlers.handlers());
    }

    @Test
    public void listenersHearOfThePresentHandlersAndOfEveryChange() {
        List<List<FileHandler>> heard = new ArrayList<>();
        FileHandler a = handler(".a", 1, 0);
        handlers.add(a);

        handlers.addListener(heard::add);
        FileHandler b = handler(".b", 2, 0);
        handlers.add(b);
        handlers.remove(1);
        handlers.remove(1);

        assertEquals(List.of(List.of(a), List.of(a, b), List.of(b)), heard);
    }

    @Test
    public void unusableExtensionsAreExplained() {
        assertEquals(Optional.empty(), PluginFileHandlers.problemWith(".goplugin"));
        assertEquals(Optional.empty(), PluginFileHandlers.problemWith(" .Tar.GZ "));
        assertEquals("it needs the string property plugin.file.extension, such as .goplugin",
                PluginFileHandlers.problemWith(null).orElseThrow());
        assertEquals("it needs the string property plugin.file.extension, such as .goplugin",
                PluginFileHandlers.problemWith(new String[] {".a"}).orElseThrow());
        assertEquals("plugin.file.extension 'goplugin' is not an extension: it must be a dot and a name, such as .goplugin",
                PluginFileHandlers.problemWith("goplugin").orElseThrow());
        assertEquals("plugin.file.extension '.' is not an extension: it must be a dot and a name, such as .goplugin",
                PluginFileHandlers.problemWith(".").orElseThrow());
        assertEquals("plugin.file.extension '*.goplugin' is not an extension: it must be a dot and a name, such as .goplugin",
                PluginFileHandlers.problemWith("*.goplugin").orElseThrow());
        assertEquals("plugin.file.extension '.go plugin' is not an extension: it must not contain /, \\, * or spaces",
                PluginFileHandlers.problemWith(".go plugin").orElseThrow());
        assertEquals("plugin.file.extension '.JAR' is taken: *.jar files are plugin bundles",
                PluginFileHandlers.problemWith(".JAR").orElseThrow());
        assertTrue(PluginFileHandlers.problemWith(".part").orElseThrow().endsWith("names files the plugins folder "
                + "ignores as half-written"));
    }

    private static FileHandler handler(String extension, long serviceId, int ranking) {
        return new FileHandler(extension, new TestFileHandler(), serviceId, ranking, 3, "b 1.0.0");
    }
}
