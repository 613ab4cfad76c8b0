package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.Test;

public class FrameworkPropertiesTest {

    private final Options options;

    public FrameworkPropertiesTest() throws Options.UsageException {
        options = Options.parse(List.of("--data", "d", "--plugins", "p"), Map.of(), Path.of("/w"));
    }

    @Test
    public void foldersAreAbsoluteAndStorageLivesInTheDataFolder() {
        Map<String, String> props = FrameworkProperties.of(options, true, new Properties());
        assertEquals("/w/p", props.get("plugboard.plugins.dir"));
        assertEquals("/w/d", props.get("plugboard.data.dir"));
        assertEquals("/w/d/felix-cache", props.get("org.osgi.framework.storage"));
        assertEquals("none", props.get("org.osgi.framework.storage.clean"));
        assertEquals("SCR keeps parsed component XML across restarts", "true", props.get("ds.cache.metadata"));
        assertEquals("/w/d/config", props.get("felix.cm.dir"));
        assertEquals("INFO", props.get("org.osgi.service.log.admin.loglevel"));
        assertEquals("no log history to pin old plugin classes", "0", props.get("org.apache.felix.log.maxSize"));
    }

    @Test
    public void shellReadsStandardInputOnlyForATerminal() {
        assertFalse(FrameworkProperties.of(options, true, new Properties()).containsKey("gosh.args"));
        assertEquals("--nointeractive",
                FrameworkProperties.of(options, false, new Properties()).get("gosh.args"));
    }

    @Test
    public void plugboardSystemPropertiesPassThroughButNotOthers() {
        Properties system = new Properties();
        system.setProperty("plugboard.select.kv", "kv.file");
        system.setProperty("plugboard.log.console.level", "DEBUG");
        system.setProperty("user.name", "someone");
        // The command-line folders win over a stray -Dplugboard.data.dir.
        system.setProperty("plugboard.data.dir", "/elsewhere");
        Map<String, String> props = FrameworkProperties.of(options, true, system);
        assertEquals("kv.file", props.get("plugboard.select.kv"));
        assertEquals("DEBUG", props.get("plugboard.log.console.level"));
        assertFalse(props.containsKey("user.name"));
        assertEquals("/w/d", props.get("plugboard.data.dir"));
    }
}
