package io.plugboard.runtime;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.hasItem;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What a plugin writes to System.out, System.err and java.util.logging is attributed to it, in
 * plugboard.log and on the console, whether it writes while the plugins folder is read at the
 * start or while a command runs; the commands' own output still reaches standard output. The
 * chatty-greeter fixture writes a line three ways when it activates and when it greets.
 */
public class PluginOutputIT {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path work;
    private Path chatty;
    private String origin;

    @Before
    public void setUp() throws Exception {
        work = temp.newFolder("work").toPath();
        chatty = Path.of(System.getProperty("plugboard.fixture.chatty-greeter"));
        try (JarFile jar = new JarFile(chatty.toFile())) {
            var manifest = jar.getManifest().getMainAttributes();
            origin = "[" + manifest.getValue("Bundle-SymbolicName") + " " + manifest.getValue("Bundle-Version") + "] ";
        }
    }

    @Test
    public void aPluginsPrintsAndJulRecordsFromTheFolderAndFromACommandAreAttributed() throws Exception {
        Path plugins = Files.createDirectory(work.resolve("only-chatty"));
        Files.copy(chatty, plugins.resolve("chatty-greeter.jar"));

        PlugboardProcess p = PlugboardProcess.run(work, "plugin:greet Bob\nplugin:list\n", "--plugins", plugins.toString());

        assertEquals(p.transcript(), 0, p.exitCode());
        assertAttributed(p, "activated");
        assertAttributed(p, "greeting Bob");
        // The commands' output reaches the user as before, and none of the plugin's lines does.
        assertThat(p.transcript(), p.stdout(), containsString("Hello, Bob, from a chatty plugin"));
        assertThat(p.transcript(), p.stdout(), containsString("greeter.chatty"));
        assertNoneOfThePluginsLines(p);
    }

    @Test
    public void aPluginActivatedByPluginInstallIsAttributed() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:install " + chatty
                + "\nplugin:use greeter greeter.chatty\nplugin:greet Bob\nplugin:list\n");

        assertEquals(p.transcript(), 0, p.exitCode());
        assertAttributed(p, "activated");
        assertAttributed(p, "greeting Bob");
        assertThat(p.transcript(), p.stdout(), containsString("installed io.plugboard.chatty-greeter "));
        assertThat(p.transcript(), p.stdout(), containsString("ID  NAME"));
        assertNoneOfThePluginsLines(p);
    }

    private static void assertNoneOfThePluginsLines(PlugboardProcess p) throws Exception {
        for (String way : new String[] {"chatty out:", "chatty err:", "chatty jul:"}) {
            assertThat(p.transcript(), p.stdout(), not(containsString(way)));
        }
    }

    /** The lines the fixture writes at {@code when}: on the console and in the log, each attributed. */
    private void assertAttributed(PlugboardProcess p, String when) throws Exception {
        String log = Files.readString(work.resolve("data/plugboard.log"), StandardCharsets.UTF_8);
        // System.out in one line though printed in two parts; System.err as a warning.
        for (String line : new String[] {"INFO " + origin + "chatty out: " + when, "WARN " + origin + "chatty err: " + when}) {
            assertThat(p.transcript(), p.stderrLines(), hasItem(line));
            assertThat(log, containsString("Z " + line + System.lineSeparator()));
        }
        if (when.equals("activated")) {
            // A JUL warning with its exception: its first line on the console, the trace in the file.
            assertThat(p.transcript(), p.stderr(), containsString("WARN " + origin + "chatty jul: activated (stack trace: "));
            assertThat(log, containsString("Z WARN " + origin + "chatty jul: activated" + System.lineSeparator()
                    + "  java.lang.IllegalStateException: chatty jul exception"));
        } else {
            // An INFO record is below the console's level: in the file only.
            assertThat(log, containsString("Z INFO " + origin + "chatty jul: " + when + System.lineSeparator()));
        }
        assertThat(p.transcript(), p.stderr(), not(containsString("io.plugboard.chatty.ChattyGreeter")));
    }
}
