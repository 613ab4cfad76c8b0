package io.plugboard.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginInfo;

/**
 * go-plugin plugins that cannot serve, as real processes ({@code kv-go} with a wrong cookie,
 * {@code kv-misbehave} in its modes) and descriptors that cannot be read: each is refused with
 * an error that names what is wrong, by {@code plugin:install} and by the watched folder's log
 * line, leaves no process behind, and the bundle plugins (kv.memory, greeter.en) keep serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GoPluginBadCasesIT extends PluginRuntimeTestSupport {

    /** One bad plugin: its descriptor's keys and the words its error must have. */
    private record BadCase(String file, Map<String, String> keys, List<String> mustMention) {
    }

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"),
                goPluginConfiguration(),
                projectBundle("kv-memory"),
                projectBundle("greeter-en"));
    }

    @Test
    public void eachBadPluginIsRefusedByNameWithPluginInstallAndTheOthersKeepServing() {
        Path files = newWorkDir("files");
        for (BadCase bad : badCases()) {
            Path descriptor = writeDescriptor(files.resolve(bad.file()), bad.keys());
            CommandResult result = execute("plugin:install " + descriptor);
            result.assertClearError(bad.mustMention().toArray(String[]::new));
            assertFalse(result.describe("must not report success"), result.text().contains("installed "));
            assertNothingLeftAndOthersServe(bad);
        }
    }

    @Test
    public void eachBadPluginInTheWatchedFolderIsReportedInTheLogAndTheOthersKeepServing() {
        Path plugins = Path.of(bundleContext.getProperty(PLUGINS_DIR));
        for (BadCase bad : badCases()) {
            writeDescriptor(plugins.resolve(bad.file()), bad.keys());
            // A descriptor that cannot be read is refused by the folder's check ("Not installing");
            // one whose process fails by the install ("Cannot install").
            waitFor(bad.file() + " to be reported in plugboard.log", () -> folderWarning(bad.file()).map(
                    entry -> bad.mustMention().stream().allMatch(entry::contains)).orElse(false));
            assertNothingLeftAndOthersServe(bad);
        }
    }

    /**
     * The host's warning about the file in plugboard.log, with its continuation lines (the
     * stderr lines of a plugin that ended), if it has logged one.
     */
    private Optional<String> folderWarning(String file) {
        List<String> lines = logFileLines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.contains("WARN [io.plugboard.host ") && line.contains(" " + file + " from the plugins folder: ")) {
                StringBuilder entry = new StringBuilder(line);
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("  "); j++) {
                    entry.append('\n').append(lines.get(j));
                }
                return Optional.of(entry.toString());
            }
        }
        return Optional.empty();
    }

    /** No plugin registered, no process of the case's program left, kv.memory and greeter.en serve. */
    private void assertNothingLeftAndOthersServe(BadCase bad) {
        List<String> kvs = registry.plugins(KeyValueStore.TYPE).stream().map(PluginInfo::name).toList();
        assertEquals(bad.file() + " registers nothing", List.of("kv.memory"), kvs);
        Path program = Path.of(bad.keys().getOrDefault("command", goProgram("kv-go").toString()));
        waitFor("no process of " + bad.file() + " to be left", () -> processesOf(program).isEmpty());
        byte[] value = ("after " + bad.file()).getBytes(StandardCharsets.UTF_8);
        activeStore().put("after-bad-case", value);
        assertArrayEquals(value, activeStore().get("after-bad-case").orElseThrow());
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        assertEquals("after " + bad.file(), execute("plugin:kv get after-bad-case").assertSucceeded());
    }

    private List<BadCase> badCases() {
        String kvGo = goProgram("kv-go").toString();
        String misbehave = goProgram("kv-misbehave").toString();
        // Words of the launch layer, without the plugin's name: the command's error and the
        // folder's WARN line put the name in front of them differently.
        return List.of(
                new BadCase("wrong-cookie.goplugin", keys("wrong.cookie", kvGo, "BASIC_PLUGIN=goodbye", null),
                        List.of("wrong magic cookie: the plugin refused the cookie BASIC_PLUGIN",
                                "the descriptor's value does not match the plugin's")),
                new BadCase("wrong-protocol.goplugin", keys("wrong.protocol", misbehave, KV_GO_COOKIE, "wrong-protocol"),
                        List.of("the plugin chose app protocol version 2, but the host speaks only 1")),
                new BadCase("garbage.goplugin", keys("garbage", misbehave, KV_GO_COOKIE, "garbage-before-handshake"),
                        List.of("the first line on stdout is not a go-plugin handshake: 'hello from main'",
                                "must not write to stdout before the handshake")),
                new BadCase("netrpc.goplugin", keys("netrpc", misbehave, KV_GO_COOKIE, "netrpc"),
                        List.of("the plugin speaks net/rpc; Plugboard supports only gRPC plugins")),
                new BadCase("exit-at-once.goplugin", keys("exit.at.once", misbehave, KV_GO_COOKIE, "exit-at-once"),
                        List.of("the plugin exited before its handshake (exit code 3)",
                                "kv-misbehave: exit-at-once: exiting before the handshake")),
                new BadCase("no-command.goplugin", keys("no.command", null, KV_GO_COOKIE, null),
                        List.of("no-command.goplugin: key \"command\" is missing")),
                new BadCase("unknown-key.goplugin", withKey(keys("unknown.key", kvGo, KV_GO_COOKIE, null), "colour", "blue"),
                        List.of("unknown-key.goplugin: unknown key \"colour\"; the keys are name, type, version, command")));
    }

    /** A descriptor's keys; null leaves a key out; {@code misbehave} is kv-misbehave's mode. */
    private static Map<String, String> keys(String name, String command, String cookie, String misbehave) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", name);
        keys.put("type", "kv");
        if (command != null) {
            keys.put("command", command);
        }
        keys.put("cookie", cookie);
        if (misbehave != null) {
            keys.put("env", "MISBEHAVE=" + misbehave);
        }
        return keys;
    }

    private static Map<String, String> withKey(Map<String, String> keys, String key, String value) {
        keys.put(key, value);
        return keys;
    }
}
