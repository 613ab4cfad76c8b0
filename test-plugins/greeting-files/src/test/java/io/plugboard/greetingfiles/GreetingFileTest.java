package io.plugboard.greetingfiles;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Version;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.testing.RecordingLogger;

/** What makes a *.greeting file valid, and what its greeter says. */
public class GreetingFileTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void readsNameVersionAndGreeting() throws Exception {
        GreetingFile file = GreetingFile.read(write("hello.greeting", "name=hello\nversion=1.2.0\ngreeting = Good day \n"));

        assertEquals("hello", file.name());
        assertEquals(new Version(1, 2, 0), file.version());
        assertEquals("Good day", file.greeting());
    }

    @Test
    public void theFingerprintFollowsTheContent() throws Exception {
        long first = GreetingFile.read(write("a.greeting", "name=a\nversion=1\ngreeting=Hi\n")).fingerprint();
        long same = GreetingFile.read(write("b.greeting", "name=a\nversion=1\ngreeting=Hi\n")).fingerprint();
        long other = GreetingFile.read(write("c.greeting", "name=a\nversion=1\ngreeting=Ho\n")).fingerprint();

        assertEquals(first, same);
        assertNotEquals(first, other);
    }

    @Test
    public void eachProblemIsNamed() throws Exception {
        assertEquals("x.greeting is incomplete: it does not end with a line break",
                problem("name=x\nversion=1.0.0\ngreeting=Hel"));
        assertEquals("x.greeting is incomplete: it does not end with a line break", problem(""));
        assertEquals("x.greeting has no name (a line name=...)", problem("version=1.0.0\ngreeting=Hi\n"));
        assertEquals("x.greeting has no greeting (a line greeting=...)", problem("name=x\nversion=1.0.0\ngreeting= \n"));
        assertEquals("x.greeting: version 'one' is not a version such as 1.0.0",
                problem("name=x\nversion=one\ngreeting=Hi\n"));
        assertEquals("x.greeting: name 'a b' must be letters, digits, '.', '_' or '-', starting with a letter or digit",
                problem("name=a b\nversion=1.0.0\ngreeting=Hi\n"));
        assertEquals("gone.greeting does not exist", assertThrows(PluginFileException.class,
                () -> GreetingFile.read(temp.getRoot().toPath().resolve("gone.greeting"))).getMessage());
    }

    @Test
    public void theGreeterGreetsAndCountsAndRefusesBlankNames() throws Exception {
        GreetingPlugin plugin = new GreetingPlugin(GreetingFile.read(write("h.greeting", "name=h\nversion=1\ngreeting=Hi\n")),
                new RecordingLogger().logger());

        assertEquals("Hi, Bob!", plugin.greet(" Bob "));
        assertEquals(1, plugin.greeted());
        assertEquals(List.of("name must not be blank", "name must not be null"), List.of(
                assertThrows(IllegalArgumentException.class, () -> plugin.greet(" ")).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> plugin.greet(null)).getMessage()));
    }

    private String problem(String content) throws Exception {
        Path file = write("x.greeting", content);
        return assertThrows(PluginFileException.class, () -> GreetingFile.read(file)).getMessage();
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(temp.getRoot().toPath().resolve(name), content);
    }
}
