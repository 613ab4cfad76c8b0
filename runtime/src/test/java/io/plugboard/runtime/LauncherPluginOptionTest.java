package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What --plugin (and PLUGBOARD_PLUGINS) says of a file it does not take. */
public class LauncherPluginOptionTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aGoPluginDescriptorIsNamedAsOneWithWhereItGoes() throws Exception {
        Path descriptor = Files.writeString(temp.getRoot().toPath().resolve("kv-go.GOPLUGIN"), "name=kv.go\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // No framework: a descriptor is refused before the framework is asked to install anything.
        new Launcher(new PrintStream(err, true, StandardCharsets.UTF_8)).installPlugin(null, descriptor);

        assertEquals("plugboard: --plugin and PLUGBOARD_PLUGINS take plugin bundles (.jar); " + descriptor
                + " is a go-plugin descriptor: put it in the plugins folder or use plugin:install\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
