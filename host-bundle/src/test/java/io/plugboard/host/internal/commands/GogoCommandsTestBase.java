package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.osgi.framework.Bundle;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.host.internal.deploy.PluginFileHandlers;
import io.plugboard.host.internal.registry.PluginCandidate;
import io.plugboard.host.internal.registry.PluginTable;
import io.plugboard.testing.RecordingLogger;

/** Runs the commands through the real Gogo parser, as a user types them, over the real registry core. */
public abstract class GogoCommandsTestBase {

    /** Calls wait 0.2 s for a missing plugin, so a test of that failure stays quick. */
    protected final PluginTable registry = new PluginTable(type -> null, (type, active) -> { }, Duration.ofMillis(200),
            bundleId -> "was uninstalled");
    protected final TestInstaller installer = new TestInstaller();
    protected final RecordingLogger log = new RecordingLogger();
    protected final PluginFileHandlers fileHandlers = new PluginFileHandlers(log.logger());
    protected final MemoryStore store = new MemoryStore();
    protected CommandSession session;
    private long nextServiceId = 100;

    /** A real, if small, key-value store. */
    static class MemoryStore implements KeyValueStore {
        private final Map<String, byte[]> values = new TreeMap<>();

        @Override
        public void put(String key, byte[] value) {
            values.put(KeyValueStore.requireValidKey(key), value.clone());
        }

        @Override
        public Optional<byte[]> get(String key) {
            return Optional.ofNullable(values.get(KeyValueStore.requireValidKey(key))).map(byte[]::clone);
        }

        @Override
        public boolean delete(String key) {
            return values.remove(KeyValueStore.requireValidKey(key)) != null;
        }

        @Override
        public List<String> keys() {
            return List.copyOf(values.keySet());
        }
    }

    @Before
    public void startGogo() {
        CommandProcessorImpl processor = new CommandProcessorImpl(new ThreadIOImpl());
        processor.addCommand("plugin", new PluginCommands(registry, installer, fileHandlers, log.logger()));
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @After
    public void closeSession() {
        session.close();
    }

    String run(String commandLine) throws Exception {
        return (String) session.execute(commandLine);
    }

    String fails(String commandLine) {
        return assertThrows(IllegalArgumentException.class, () -> session.execute(commandLine)).getMessage();
    }

    void plugin(Bundle bundle, String type, String name, Object service) {
        registry.add(new PluginCandidate(name, type, bundle.getVersion(), bundle.getBundleId(), nextServiceId++, 0,
                service));
    }

    void defaultPlugins() {
        plugin(installer.add(12, "io.plugboard.kv-memory", "1.0.0"), "kv", "kv.memory", store);
        plugin(installer.add(13, "io.plugboard.kv-file", "1.1.0"), "kv", "kv.file", new MemoryStore());
        plugin(installer.add(14, "io.plugboard.greeter-en", "1.0.0"), "greeter", "greeter.en",
                (Greeter) name -> "Hello, " + name + "!");
        registry.select("kv", "kv.memory");
    }
}
