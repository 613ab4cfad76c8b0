package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.registry.PluginInfo;

/**
 * Plugins that are not bundles: the greeting-files fixture is a real {@code PluginFileHandler}
 * for {@code *.greeting} files, and the host must treat its files as it treats jars, in the
 * watched folder and in the {@code plugin:*} commands, and attribute their log lines to them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginFilesIT extends PluginRuntimeTestSupport {

    private static final String HANDLER_BUNDLE = "io.plugboard.greeting-files";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(),
                frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()),
                // As the runtime: INFO lines reach plugboard.log, where the plugins' own lines are looked for.
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"),
                // A bystander bundle plugin of the same type: it must keep serving whatever the files do.
                projectBundle("greeter-en"),
                projectBundle("greeting-files"));
    }

    /** Each test leaves greeter.en serving and no plugin from a file behind. */
    @After
    public void greeterEnServesAgain() throws IOException {
        bundleNamed(HANDLER_BUNDLE).filter(b -> b.getState() != Bundle.ACTIVE).ifPresent(this::start);
        try (var files = Files.list(pluginsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        waitFor("only greeter.en to be left", () -> greeterNames().equals(List.of("greeter.en")));
        execute("plugin:use greeter greeter.en").assertSucceeded();
    }

    @Test
    public void aDroppedFileServesIsReplacedAndRemoved() throws IOException {
        Path file = pluginsDir().resolve("hello.greeting");

        drop(file, "hello", "1.0.0", "Hi");
        waitFor("hello from the folder", () -> greeterNames().contains("hello"));
        execute("plugin:use greeter hello").assertSucceeded();
        assertEquals("Hi, Bob!", execute("plugin:greet Bob").assertSucceeded().strip());
        waitFor("hello's own log line", () -> logLines().stream()
                .anyMatch(l -> l.contains("INFO [hello 1.0.0] Serving the greeting 'Hi' from hello.greeting")));

        drop(file, "hello", "1.1.0", "Howdy");
        waitFor("the replaced file to greet", () -> "Howdy, Bob!".equals(activeGreeting("Bob")));
        assertEquals("1.1.0", version("hello"));
        // The handler registers the new greeter before it unregisters the old one (no gap for
        // callers), so the old one may still be listed for a moment after the new one answers.
        waitFor("a replaced file to replace its plugin", () -> registry.plugins(Greeter.TYPE).stream()
                .filter(p -> p.name().equals("hello")).count() == 1);
        String list = execute("plugin:list").assertSucceeded();
        assertTrue(list, list.lines().anyMatch(l -> l.matches("-\\s+hello\\s+greeter\\s+1\\.1\\.0\\s+ACTIVE\\s+\\*\\s+"
                + "hello\\.greeting \\(greeting Howdy, greeted \\d+\\)")));

        Files.delete(file);
        waitFor("hello to be gone", () -> !greeterNames().contains("hello"));
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        // The log service delivers entries on its own thread: the line may come a moment later.
        waitFor("hello's stop in the log", () -> logLines().stream()
                .anyMatch(l -> l.contains("INFO [hello 1.1.0] Stopped: uninstalled")));
    }

    @Test
    public void anInvalidFileIsReportedWithItsReasonAndTheOthersKeepServing() throws IOException {
        drop(pluginsDir().resolve("bad.greeting"), "bad", "one", "Hi");
        waitFor("bad.greeting to be reported", () -> logLines().stream().anyMatch(l -> l.contains(
                "WARN [io.plugboard.host ") && l.contains("Not installing bad.greeting from the plugins folder: "
                        + "bad.greeting: version 'one' is not a version such as 1.0.0")));

        drop(pluginsDir().resolve("good.greeting"), "good", "1.0.0", "Good day");
        waitFor("good.greeting, dropped after the bad one", () -> greeterNames().contains("good"));
        assertEquals(List.of("good", "greeter.en"), greeterNames());
        execute("plugin:use greeter greeter.en").assertSucceeded();
        assertEquals(HELLO_BOB, execute("plugin:greet Bob").assertSucceeded().strip());
        execute("plugin:use greeter good").assertSucceeded();
        assertEquals("Good day, Bob!", execute("plugin:greet Bob").assertSucceeded().strip());
        everyBundleIsActive();
    }

    @Test
    public void commandsInstallListDescribeUpdateAndUninstallAFilePlugin() throws IOException {
        Path file = newWorkDir("files").resolve("cmd.greeting");
        write(file, "cmd", "2.0.0", "Salut");

        String installed = execute("plugin:install " + file).assertSucceeded();
        assertEquals("installed cmd 2.0.0 from cmd.greeting with the *.greeting handler (io.plugboard.greeting-files "
                + "0.1.0.SNAPSHOT); plugins: cmd (greeter)", installed.trim());
        execute("plugin:use greeter cmd").assertSucceeded();
        assertEquals("Salut, Ann!", execute("plugin:greet Ann").assertSucceeded().strip());

        String list = execute("plugin:list").assertSucceeded();
        assertTrue(list, list.lines().findFirst().orElse("").matches("ID\\s+NAME\\s+TYPE\\s+VERSION\\s+STATE\\s+ACTIVE\\s+DETAILS"));
        assertTrue(list, list.lines().anyMatch(l -> l.matches("-\\s+cmd\\s+greeter\\s+2\\.0\\.0\\s+ACTIVE\\s+\\*\\s+"
                + "cmd\\.greeting \\(greeting Salut, greeted \\d+\\)")));

        String info = execute("plugin:info cmd").assertSucceeded();
        List<String> lines = info.lines().toList();
        assertEquals(info, "cmd 2.0.0, run from cmd.greeting", lines.get(0));
        assertTrue(info, lines.contains("  file:       " + file));
        assertTrue(info, lines.stream().anyMatch(l -> l.matches("  handler:    the \\*\\.greeting handler "
                + "\\(io\\.plugboard\\.greeting-files 0\\.1\\.0\\.SNAPSHOT\\), bundle \\d+")));
        assertTrue(info, lines.stream().anyMatch(l -> l.matches("  serves:     greeter \\(active\\), service \\d+")));
        assertTrue(info, lines.contains("  greeting:   Salut"));
        assertTrue(info, lines.stream().anyMatch(l -> l.matches("  greeted:    \\d+")));

        write(file, "cmd", "2.1.0", "Bonjour");
        assertEquals("updated cmd from cmd.greeting: 2.0.0 to 2.1.0; plugins: cmd (greeter)",
                execute("plugin:update cmd").assertSucceeded().strip());
        assertEquals("Bonjour, Ann!", activeGreeting("Ann"));

        assertEquals("uninstalled cmd 2.1.0 (from " + file + ")", execute("plugin:uninstall cmd").assertSucceeded().strip());
        waitFor("cmd to be gone", () -> greeterNames().equals(List.of("greeter.en")));
        assertTrue("the handler's bundle stays", bundleNamed(HANDLER_BUNDLE).isPresent());
    }

    @Test
    public void aFileRefusedForTheNameOfAnotherFilesPluginRunsOnceThatPluginIsUninstalled() throws IOException {
        drop(pluginsDir().resolve("shaok.greeting"), "a14", "1.0.0", "Hi");
        waitFor("a14 from shaok.greeting", () -> greeterNames().contains("a14"));
        drop(pluginsDir().resolve("a14copy.greeting"), "a14", "2.0.0", "Hey");
        waitFor("a14copy.greeting to be refused", () -> refusals("a14copy.greeting") == 1);

        execute("plugin:uninstall a14").assertSucceeded();

        waitFor("a14 from a14copy.greeting", () -> "2.0.0".equals(version("a14")));
        execute("plugin:use greeter a14").assertSucceeded();
        assertEquals("Hey, Bob!", execute("plugin:greet Bob").assertSucceeded().strip());
        assertEquals("the refusal is reported once", 1, refusals("a14copy.greeting"));
    }

    @Test
    public void aFileOfAKindWithoutHandlerIsRefusedByName() throws IOException {
        Path file = newWorkDir("files").resolve("kv.goplugin");
        Files.writeString(file, "{}\n");

        execute("plugin:install " + file)
                .assertClearError("no plugin handler for *.goplugin files is installed", "*.greeting");
    }

    @Test
    public void filesInTheFolderBeforeTheHandlerStartsAreInstalledWhenItDoes() throws Exception {
        Bundle handler = bundleNamed(HANDLER_BUNDLE).orElseThrow();
        drop(pluginsDir().resolve("served.greeting"), "served", "1.0.0", "Hey");
        waitFor("served.greeting", () -> greeterNames().contains("served"));

        handler.stop();
        assertEquals("its plugins stop with the handler", List.of("greeter.en"), greeterNames());
        drop(pluginsDir().resolve("early.greeting"), "early", "1.0.0", "Morning");
        waitFor("early.greeting to be noted as waiting", () -> logLines().stream().anyMatch(l -> l.contains(
                "early.greeting in the plugins folder waits for a handler of *.greeting files; none is installed now")));

        handler.start();
        waitFor("both files to be installed by the handler that came back",
                () -> greeterNames().equals(List.of("early", "greeter.en", "served")));
        assertEquals("1.0.0", version("early"));
    }

    private Path pluginsDir() {
        return Path.of(bundleContext.getProperty(PLUGINS_DIR));
    }

    /** Writes the file under a name the folder ignores, then renames it into place. */
    private static void drop(Path target, String name, String version, String greeting) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        write(part, name, version, greeting);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void write(Path file, String name, String version, String greeting) throws IOException {
        Files.writeString(file, "name=" + name + "\nversion=" + version + "\ngreeting=" + greeting + "\n",
                StandardCharsets.UTF_8);
    }

    private long refusals(String fileName) throws IOException {
        return logLines().stream().filter(l -> l.contains("WARN [io.plugboard.host ")
                && l.contains("Cannot install " + fileName + " from the plugins folder: ")).count();
    }

    private List<String> greeterNames() {
        return registry.plugins(Greeter.TYPE).stream().map(PluginInfo::name).sorted().toList();
    }

    private String version(String name) {
        return registry.plugins(Greeter.TYPE).stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow().version();
    }

    private List<String> logLines() throws IOException {
        Path log = dataDir().resolve("plugboard.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    private void start(Bundle bundle) {
        try {
            bundle.start();
        } catch (Exception e) {
            throw new AssertionError("cannot start " + bundle.getSymbolicName(), e);
        }
    }
}
