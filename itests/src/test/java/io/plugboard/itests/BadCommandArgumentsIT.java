package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.registry.PluginInfo;

/** Wrong input to the plugin:* commands gets one clear message and changes nothing. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadCommandArgumentsIT extends PluginRuntimeTestSupport {

    private List<PluginInfo> pluginsBefore;

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"), projectBundle("greeter-en"));
    }

    @Before
    public void rememberPlugins() {
        pluginsBefore = registry.plugins();
    }

    @After
    public void nothingChanged() {
        assertEquals(pluginsBefore, registry.plugins());
    }

    @Test
    public void installOfAMissingFileNamesIt() {
        execute("plugin:install /no/such.jar").assertClearError("/no/such.jar");
    }

    @Test
    public void installOfACorruptJarNamesIt() throws IOException {
        Path corrupt = newWorkDir("corrupt").resolve("corrupt.jar");
        Files.writeString(corrupt, "this is not a zip file", StandardCharsets.UTF_8);
        execute("plugin:install " + corrupt).assertClearError("corrupt.jar");
    }

    @Test
    public void updateOfAnUnknownPluginNamesIt() {
        execute("plugin:update nope").assertClearError("nope");
    }

    @Test
    public void uninstallOfAnUnknownPluginNamesIt() {
        execute("plugin:uninstall nope").assertClearError("nope");
    }

    @Test
    public void infoOfAnUnknownPluginNamesIt() {
        execute("plugin:info nope").assertClearError("nope");
    }

    @Test
    public void unknownKvOperationIsNamed() {
        execute("plugin:kv frobnicate").assertClearError("frobnicate");
    }

    @Test
    public void useOfAnUnknownTypeNamesIt() {
        execute("plugin:use nosuchtype x").assertClearError("nosuchtype");
    }
}
