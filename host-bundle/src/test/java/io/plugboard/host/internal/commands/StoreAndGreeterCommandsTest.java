package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.kv.KeyValueStoreException;
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
    public void kvPutDoesNotNameAStoreThatBecameActiveOnlyAfterTheWrite() throws Exception {
        defaultPlugins();
        MemoryStore fileStore = new MemoryStore();
        // kv.memory takes the write; as it returns, plugin:use hands the type to kv.file.
        MemoryStore switching = new MemoryStore() {
            @Override
            public void put(String key, byte[] value) {
                super.put(key, value);
                registry.select("kv", "kv.other");
            }
        };
        plugin(installer.add(15, "io.plugboard.kv-other", "1.0.0"), "kv", "kv.other", fileStore);
        plugin(installer.add(16, "io.plugboard.kv-switching", "1.0.0"), "kv", "kv.switching", switching);
        registry.select("kv", "kv.switching");

        assertEquals("stored a in kv.switching or kv.other (the active kv plugin changed during the call)",
                run("plugin:kv put a 1"));
        assertEquals(List.of("a"), switching.keys());
        assertEquals("stored b in kv.other", run("plugin:kv put b 2"));
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

    /** KeyValueStore takes an empty value: put stores it, get shows it empty, unlike a missing key. */
    @Test
    public void kvPutOfAnEmptyValueStoresItAndGetShowsItEmpty() throws Exception {
        defaultPlugins();
        assertEquals("stored an empty value under blank in kv.memory", run("plugin:kv put blank ''"));
        assertArrayEquals(new byte[0], store.get("blank").orElseThrow());
        assertEquals("", run("plugin:kv get blank"));
        assertEquals("no value stored under nothing in kv.memory", run("plugin:kv get nothing"));
        assertEquals("blank", run("plugin:kv keys"));

        // Blanks are a value like any other; the key still may not be empty.
        assertEquals("stored spaces in kv.memory", run("plugin:kv put spaces '  '"));
        assertEquals("  ", run("plugin:kv get spaces"));
        assertEquals("argument 2 is empty; type plugin:kv put <key> <value> | get <key> | del <key> | keys",
                fails("plugin:kv put '' x"));
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
    public void aFailurePrintsAsItsMessageAloneAsTheInteractiveShellShowsIt() {
        // Gogo's jline shell prints a failure's toString(): no Java class name before the message.
        IllegalArgumentException argument = assertThrows(IllegalArgumentException.class,
                () -> session.execute("plugin:kv set a b"));
        assertEquals("unknown subcommand 'set'; type plugin:kv put <key> <value> | get <key> | del <key> | keys",
                argument.toString());
        PluginUnavailableException unavailable = assertThrows(PluginUnavailableException.class,
                () -> session.execute("plugin:kv get x"));
        assertEquals(unavailable.getMessage(), unavailable.toString());
        assertEquals("the type stays", "kv", unavailable.type());
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
        assertEquals("missing argument; type plugin:kv put <key> <value> (quote a value with spaces; '' is the "
                + "empty value)",
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
    public void aPluginExceptionWhoseMessageCannotBeReadIsShownAsSuch() throws Exception {
        RuntimeException hostile = new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                throw new IllegalStateException("getMessage throws");
            }
        };
        plugin(installer.add(30, "io.example.hostile", "1.0.0"), "greeter", "greeter.hostile",
                (io.plugboard.api.greeter.Greeter) who -> {
                    throw hostile;
                });
        run("plugin:use greeter greeter.hostile");
        // What the interactive shell prints: the failure's toString.
        assertEquals(hostile.getClass().getName() + ": (its message cannot be read: java.lang.IllegalStateException:"
                + " getMessage throws)", assertThrows(RuntimeException.class, () -> run("plugin:greet Ann")).toString());
    }

    @Test
    public void greetWithoutNameSaysWhatToType() {
        assertEquals("missing argument; type plugin:greet <name> (quote a name with spaces)", fails("plugin:greet"));
        assertEquals("too many arguments (2); type plugin:greet <name> (quote a name with spaces)",
                fails("plugin:greet Ann Lee"));
    }

    @Test
    public void kvShowsAnUnknownSubcommandEscaped() {
        defaultPlugins();
        assertEquals("unknown subcommand 'set\\u001b]0;pwned\\u0007'; type plugin:kv put <key> <value> | get <key> | "
                + "del <key> | keys", fails("plugin:kv \"set\u001b]0;pwned\u0007\" a b"));
    }

    @Test
    public void kvShowsAKeyWithAC1ControlCharacterEscaped() throws Exception {
        // A store refuses C0 controls in keys; the C1 CSI (U+009B) is a legal key but starts a sequence in some terminals.
        defaultPlugins();
        assertEquals("stored a\\u009b2Jb in kv.memory", run("plugin:kv put \"a\u009b2Jb\" 1"));
        assertEquals("deleted a\\u009b2Jb", run("plugin:kv del \"a\u009b2Jb\""));
        assertEquals("no value stored under a\\u009b2Jb in kv.memory", run("plugin:kv get \"a\u009b2Jb\""));
    }

    @Test
    public void kvGetShowsAValuesControlCharactersEscapedButKeepsItsLines() throws Exception {
        // Whoever wrote the value (a file in the store's folder, another plugin) must not drive the terminal.
        defaultPlugins();
        store.put("title", "\u001b]0;pwned\u0007\r\nline 2\tend".getBytes(StandardCharsets.UTF_8));
        assertEquals("\\u001b]0;pwned\\u0007\\r\nline 2\tend", run("plugin:kv get title"));
    }

    @Test
    public void aStoresFailureKeepsItsTypeAndLinesWithItsControlCharactersEscaped() {
        plugin(installer.add(12, "io.plugboard.kv-go", "1.0.0"), "kv", "kv.go",
                new FailingStore("kv.go exited; last stderr lines:\n\tpanic: \u001b[31mboom\u0007"));
        KeyValueStoreException e = assertThrows(KeyValueStoreException.class, () -> session.execute("plugin:kv get x"));
        assertEquals("kv.go exited; last stderr lines:\n\tpanic: \\u001b[31mboom\\u0007", e.getMessage());
        assertEquals("printed as its message alone", e.getMessage(), e.toString());
    }

    @Test
    public void greetShowsWhatTheGreeterSaysEscaped() throws Exception {
        defaultPlugins();
        assertEquals("Hello, \\u001b]0;pwned\\u0007!", run("plugin:greet \"\u001b]0;pwned\u0007\""));
    }

    @Test
    public void aGreetersOwnExceptionIsNamedInTheEscapedMessage() {
        plugin(installer.add(14, "io.plugboard.greeter-odd", "1.0.0"), "greeter", "greeter.odd",
                (Greeter) name -> {
                    throw new GreeterFailure("cannot greet " + name);
                });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> session.execute("plugin:greet \"\u001b[2J\""));
        assertEquals(GreeterFailure.class.getName() + ": cannot greet \\u001b[2J", e.getMessage());
    }

    /** A store whose process has failed: every call throws what a go-plugin store would. */
    private static final class FailingStore implements KeyValueStore {
        private final String failure;

        FailingStore(String failure) {
            this.failure = failure;
        }

        @Override
        public void put(String key, byte[] value) {
            throw new KeyValueStoreException(failure);
        }

        @Override
        public Optional<byte[]> get(String key) {
            throw new KeyValueStoreException(failure);
        }

        @Override
        public boolean delete(String key) {
            throw new KeyValueStoreException(failure);
        }

        @Override
        public List<String> keys() {
            throw new KeyValueStoreException(failure);
        }
    }

    /** An exception type of a plugin's own, which the host cannot make again with another message. */
    static final class GreeterFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GreeterFailure(String message) {
            super(message);
        }
    }
}
