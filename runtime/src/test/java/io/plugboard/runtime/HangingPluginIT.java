package io.plugboard.runtime;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.hasItem;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A plugin whose activator never returns, in ./plugins at the start: the start-up still reaches
 * the shell, the other plugins serve, and plugin:list shows the plugin as hanging.
 */
public class HangingPluginIT {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void theStartUpReachesTheShellWithAPluginWhoseActivatorNeverReturns() throws Exception {
        Path work = temp.newFolder("work").toPath();
        // A first start copies the example plugins; the hanging one joins them for the second.
        assertEquals(0, PlugboardProcess.run(work, "").exitCode());
        Files.copy(Path.of(System.getProperty("plugboard.fixture.hanging-activator")), work.resolve("plugins/hang.jar"));

        PlugboardProcess p = PlugboardProcess.run(work, "plugin:greet Bob\nplugin:list\n", Map.of(),
                List.of("-Dplugboard.start.timeout.ms=1000"));

        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("Bob"));
        String row = p.stdout().lines().filter(l -> l.contains("io.plugboard.hanging-activator")).findFirst().orElse("");
        assertThat(p.transcript(), row, containsString("HANGING"));
        assertThat(p.transcript(), row, containsString("hangs in its start: its activator has not returned for"));
        assertThat(p.transcript(), p.stderrLines(), hasItem(containsString("io.plugboard.hanging-activator 0.1.0.SNAPSHOT"
                + " (bundle ")));
        assertThat(p.transcript(), p.stderr(), containsString("its activator did not return within 1 s; it is left"
                + " STARTING and the other plugins go on"));
    }
}
