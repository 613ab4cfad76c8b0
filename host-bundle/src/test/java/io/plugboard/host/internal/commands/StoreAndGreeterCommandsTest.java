package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginUnavailableException;

/** plugin:kv and plugin:greet, and the bad arguments of each. */
public class StoreAndGreeterCommandsTest extends GogoCommandsTestBase {

    @Test
    public void kvPutGetDelAndKeys() throws Exception {
        defaultPlugins();
        assertEquals("no keys in kv.memory", run("plugin:kv keys"));
        assertEquals("stored greeting in kv.memory", run("plugin:kv put greeting \"hello world\""));
        assertEquals("hello world", run("plugin:kv get greeting"));
        run("plugin:kv put b 2");
        assertEquals("b\ngreeting", run("plugin:kv keys"));
        assertEquals("deleted b", run("plugin:kv del b"));
        assertEquals("no value stored under b in kv.memory; nothing deleted", run("plugin:kv del b"));
        assertEquals(List.of("greeting"), store.keys());
    }

    @Test
    public void kvKeepsValuesAsTypedEvenWhenGogoSeesNumbers() throws Exception {
        defaultPlugins();
        run("plugin:kv put zip 007");
        run("plugin:kv put 42 1.50");
        assertEquals("007", run("plugin:kv get zip"));
        assertEquals("1.50", run("plugin:kv get 42"));
        assertEquals("1.50", new String(store.get("42").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    public void kvGetOfAMissingKeySaysSo() throws Exception {
        defaultPlugins();
        assertEquals("no value stored under nothing in kv.memory", run("plugin:kv get nothing"));
    }

    @Test
    public void kvWithoutAStoreSaysWhatIsInstalled() {
        plugin(installer.add(14, "io.plugboard.greeter-en", "1.0.0"), "greeter", "greeter.en", (Greeter) n -> n);
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class,
                () -> session.execute("plugin:kv get x"));
        assertEquals("no plugin of type 'kv' is available (installed types: greeter) and none arrived within 0.2 s; "
                + "install one or check plugin:list", e.getMessage());
    }

    @Test
    public void kvWithoutSubcommandSaysWhatToType() {
        assertEquals("missing argument; type plugin:kv put <key> <value> | get <key> | del <key> | keys",
                fails("plugin:kv"));
    }

    @Test
    public void kvWithAnUnknownSubcommandSaysWhatToType() {
        assertEquals("unknown subcommand 'set'; type plugin:kv put <key> <value> | get <key> | del <key> | keys",
                fails("plugin:kv set a b"));
    }

    @Test
    public void kvPutWithoutValueSaysWhatToType() {
        assertEquals("missing argument; type plugin:kv put <key> <value> (quote a value with spaces)",
                fails("plugin:kv put a"));
    }

    @Test
    public void kvGetAndDelWithoutKeySayWhatToType() {
        assertEquals("missing argument; type plugin:kv get <key>", fails("plugin:kv get"));
        assertEquals("missing argument; type plugin:kv del <key>", fails("plugin:kv del"));
        assertEquals("too many arguments (2); type plugin:kv keys", fails("plugin:kv keys all"));
    }

    @Test
    public void kvWithAnIllegalKeyGetsTheStoresMessage() {
        defaultPlugins();
        assertEquals("key is 251 characters long; the limit is 250", fails("plugin:kv get " + "k".repeat(251)));
    }

    @Test
    public void greetUsesTheActiveGreeter() throws Exception {
        defaultPlugins();
        assertEquals("Hello, Ann Lee!", run("plugin:greet \"Ann Lee\""));
    }

    @Test
    public void greetWithoutNameSaysWhatToType() {
        assertEquals("missing argument; type plugin:greet <name> (quote a name with spaces)", fails("plugin:greet"));
        assertEquals("too many arguments (2); type plugin:greet <name> (quote a name with spaces)",
                fails("plugin:greet Ann Lee"));
    }
}
