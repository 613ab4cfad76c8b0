package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.host.internal.deploy.FileHandler;
import io.plugboard.host.internal.deploy.PluginInstallException;

/** plugin:install, update, uninstall, list and info for plugins a handler runs from files. */
public class FilePluginCommandsTest extends GogoCommandsTestBase {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private GreetingFileHandler handler;

    @Before
    public void installHandler() {
        dir = temp.getRoot().toPath();
        handler = new GreetingFileHandler(registry);
        // The handler's bundle is a plugin bundle like any other: it imports the API.
        installer.add(GreetingFileHandler.BUNDLE_ID, "io.plugboard.greeting-files", "1.0.0");
        fileHandlers.add(new FileHandler(".greeting", handler, 77, 0, GreetingFileHandler.BUNDLE_ID,
                "io.plugboard.greeting-files 1.0.0"));
    }

    @Test
    public void installGoesToTheHandlerOfTheExtension() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");

        assertEquals("installed hello 1.2.0 from hello.greeting with the *.greeting handler "
                + "(io.plugboard.greeting-files 1.0.0); plugins: hello (greeter)", run("plugin:install " + file));
        assertEquals("greeter is now served by hello 1.2.0 (bundle 30)", run("plugin:use greeter hello"));
        assertEquals("Hi, Ann", run("plugin:greet Ann"));
        assertEquals("no bundle is installed", List.of(), installer.calls);
    }

    @Test
    public void installOfAFileNoHandlerTakesSaysSo() throws Exception {
        Path file = write("kv.goplugin", "{}");

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + file));

        assertEquals("no plugin handler for *.goplugin files is installed; plugin:install takes plugin jars and "
                + "*.greeting files", e.getMessage());
        assertEquals(List.of(), installer.calls);
    }

    @Test
    public void aJarByAnotherNameStillGoesToTheInstaller() throws Exception {
        Path file = Files.write(dir.resolve("plugin.bundle"), new byte[] {'P', 'K', 3, 4, 0, 0});

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + file));

        assertEquals(file + " is not a jar", e.getMessage());
        assertEquals(List.of("install " + file), installer.calls);
    }

    @Test
    public void installOfAMissingOrInvalidPluginFileSaysWhy() throws Exception {
        Path missing = dir.resolve("gone.greeting");
        assertEquals(missing + " does not exist", assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + missing)).getMessage());

        Path bad = write("bad.greeting", "bad one-point-oh Hi");
        assertEquals("bad.greeting: 'one-point-oh' is not a version", assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + bad)).getMessage());
        assertEquals(List.of(), handler.installed());
    }

    @Test
    public void anInstallersMessageIsEscapedOnceOnly() {
        // PluginInstallException escapes its message when it is made; the command shows it as it is.
        Path missing = dir.resolve("gone\u001b[31m\r.greeting");
        assertEquals(dir.resolve("gone\\u001b[31m\\r.greeting") + " does not exist",
                assertThrows(PluginInstallException.class, () -> session.execute("plugin:install \"" + missing + "\""))
                        .getMessage());
    }

    @Test
    public void installOfAFileAPluginRunsFromIsRefusedWithWhatToDo() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);
        write("hello.greeting", "hello 1.3.0 Howdy");

        // As for a jar installed already: installing it again would restart the plugin, which is an update.
        String refused = file + " is already installed (hello 1.2.0 runs from it); use plugin:update hello";
        assertEquals(refused, assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + file)).getMessage());
        assertEquals("the same file by another path", refused, assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install " + dir.resolve(".").resolve("hello.greeting"))).getMessage());
        assertEquals("the handler did not take the file again", "Hi, Ann", run("plugin:greet Ann"));
        assertEquals("updated hello from hello.greeting: 1.2.0 to 1.3.0; plugins: hello (greeter)",
                run("plugin:update hello"));
    }

    @Test
    public void listShowsFilePluginsWithTheirFileAndFirstFacts() throws Exception {
        defaultPlugins();
        run("plugin:install " + write("hello.greeting", "hello 1.2.0 Hi"));

        assertEquals(String.join("\n",
                "ID  NAME        TYPE     VERSION  STATE   ACTIVE  DETAILS",
                "14  greeter.en  greeter  1.0.0    ACTIVE",
                "-   hello       greeter  1.2.0    ACTIVE  *       hello.greeting (pid 4242, uptime 3m 2s)",
                "13  kv.file     kv       1.1.0    ACTIVE",
                "12  kv.memory   kv       1.0.0    ACTIVE  *"), run("plugin:list"));
    }

    @Test
    public void aFilePluginThatFailedForGoodStaysListedWithItsVersion() throws Exception {
        defaultPlugins();
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);
        handler.failForGood(file);

        // Its row stays, with its state; the handler's bundle is no plugin of its own.
        assertEquals(String.join("\n",
                "ID  NAME        TYPE     VERSION  STATE   ACTIVE  DETAILS",
                "14  greeter.en  greeter  1.0.0    ACTIVE  *",
                "13  kv.file     kv       1.1.0    ACTIVE",
                "12  kv.memory   kv       1.0.0    ACTIVE  *",
                "-   hello       greeter  1.2.0    FAILED          hello.greeting (state failed, type greeter)"),
                run("plugin:list"));
        String info = run("plugin:info hello");
        assertTrue(info, info.startsWith("hello 1.2.0, run from hello.greeting\n"));
        assertTrue(info, info.contains("serves:     nothing now: it has no service registered"));
    }

    @Test
    public void infoShowsTheRegistrysViewAndEveryFactOfTheHandlerOnce() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);

        assertEquals(String.join("\n",
                "hello 1.2.0, run from hello.greeting",
                "  file:       " + file,
                "  handler:    the *.greeting handler (io.plugboard.greeting-files 1.0.0), bundle 30",
                "  installed:  2026-11-23T01:02:03.456Z",
                "  serves:     greeter (active), service 500",
                "  pid:        4242",
                "  uptime:     3m 2s",
                "  restarts:   0"), run("plugin:info hello"));
        assertEquals("the file name names it too", run("plugin:info hello"), run("plugin:info hello.greeting"));
    }

    @Test
    public void updateHasTheHandlerInstallTheSameFileAgain() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);
        write("hello.greeting", "hello 1.3.0 Howdy");

        assertEquals("updated hello from hello.greeting: 1.2.0 to 1.3.0; plugins: hello (greeter)",
                run("plugin:update hello"));
        assertEquals("Howdy, Ann", run("plugin:greet Ann"));
    }

    @Test
    public void updateFromAnotherFileIsRefusedWithWhatToDo() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);

        assertEquals("hello runs from " + file + ", and is updated from it only: change that file and run "
                + "plugin:update hello, or plugin:uninstall it and plugin:install the other file",
                fails("plugin:update hello " + dir.resolve("other.greeting")));
        assertEquals("the same file is fine", "updated hello from hello.greeting: 1.2.0 to 1.2.0; plugins: hello (greeter)",
                run("plugin:update hello " + file));
    }

    @Test
    public void uninstallHasTheHandlerStopThePlugin() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);

        assertEquals("uninstalled hello 1.2.0 (from " + file + ")", run("plugin:uninstall hello"));
        assertEquals(List.of(), registry.plugins());
        assertEquals(List.of(), handler.installed());
        assertEquals("the handler's bundle stays", List.of(), installer.calls);
    }

    /** One name runs from one file only: a version given with it confirms it, or says which it has. */
    @Test
    public void uninstallWithAVersionChecksIt() throws Exception {
        Path file = write("hello.greeting", "hello 1.2.0 Hi");
        run("plugin:install " + file);

        assertEquals("version 2.0.0 of hello is not installed; installed versions: 1.2.0 (from hello.greeting)",
                fails("plugin:uninstall hello 2.0.0"));
        assertEquals("'x' is not a version; give one as plugin:list shows it, e.g. 2.0.0",
                fails("plugin:uninstall hello x"));
        assertEquals(1, handler.installed().size());

        assertEquals("uninstalled hello 1.2.0 (from " + file + ")", run("plugin:uninstall hello 1.2"));
        assertEquals(List.of(), handler.installed());
    }

    @Test
    public void aNameOfBothAFilePluginAndABundleIsAmbiguous() throws Exception {
        defaultPlugins();
        Path file = write("en.greeting", "greeter.en 3.0.0 Hey");
        run("plugin:install " + file);

        assertEquals("'greeter.en' names both the plugin run from " + file + " and bundle 14 "
                + "(io.plugboard.greeter-en); give the file name en.greeting or the bundle id instead",
                fails("plugin:uninstall greeter.en"));
        assertTrue(run("plugin:uninstall en.greeting").startsWith("uninstalled greeter.en 3.0.0"));
        assertEquals("uninstalled io.plugboard.greeter-en 1.0.0 (bundle 14)", run("plugin:uninstall 14"));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
