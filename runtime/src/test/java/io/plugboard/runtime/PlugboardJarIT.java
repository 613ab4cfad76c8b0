package io.plugboard.runtime;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.hasItem;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** End to end: the built plugboard.jar as a child process, driven through standard input. */
public class PlugboardJarIT {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path work;

    @Before
    public void createWorkDir() throws Exception {
        work = temp.newFolder("work").toPath();
    }

    @Test
    public void firstStartCopiesExamplePluginsAndServesThem() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, String.join("\n",
                "# a comment, then a blank line",
                "",
                "plugin:list",
                "plugin:kv put colour blue",
                "plugin:kv get colour",
                "plugin:greet Bob",
                ""));
        String out = p.stdout();
        assertEquals(p.transcript(), 0, p.exitCode());
        assertEquals(Set.of("kv-memory.jar", "kv-file.jar", "greeter-en.jar", "greeter-zh.jar", "kv-go.goplugin", "bin"),
                fileNames(work.resolve("plugins")));
        // kv-go's program, where its descriptor's command (bin/kv-go) names it, runnable.
        assertEquals(Set.of("kv-go"), fileNames(work.resolve("plugins/bin")));
        assertTrue(Files.isExecutable(work.resolve("plugins/bin/kv-go")));
        // Whole: the copy runs beside the framework's start, and the host waits for it.
        try (ZipFile jar = new ZipFile(System.getProperty("plugboard.jar"))) {
            for (String name : List.of("bin/kv-go", "kv-go.goplugin", "greeter-en.jar", "kv-file.jar")) {
                try (InputStream in = jar.getInputStream(jar.getEntry("default-plugins/" + name))) {
                    assertArrayEquals(name, in.readAllBytes(), Files.readAllBytes(work.resolve("plugins").resolve(name)));
                }
            }
        }
        for (String name : List.of("kv.memory", "kv.file", "kv.go", "greeter.en", "greeter.zh")) {
            assertThat(p.transcript(), out, containsString(name));
        }
        assertThat(p.transcript(), out, containsString("blue"));
        // kv.go serves beside them, but the default kv is still kv.file, as before it came.
        assertThat(p.transcript(), out, containsString("stored colour in kv.file"));
        assertThat(p.transcript(), out, containsString("Bob"));
        assertThat(p.transcript(), p.stderr(), not(containsString("Error:")));
        assertTrue("felix cache lives in the data folder", Files.isDirectory(work.resolve("data/felix-cache")));
    }

    @Test
    public void kvGoProgramIsStoredNotDeflatedSoTheFirstStartNeedNotInflateIt() throws Exception {
        // runtime/pom.xml rewrites the jar for this: deflated, a first start's copy of the 12 MB
        // took 55-80 ms of CPU beside the launcher thread. The boot bundles are stored too.
        try (ZipFile jar = new ZipFile(System.getProperty("plugboard.jar"))) {
            assertEquals(ZipEntry.STORED, jar.getEntry("default-plugins/bin/kv-go").getMethod());
            List<String> deflatedBootJars = jar.stream()
                    .filter(e -> e.getName().startsWith("boot/") && e.getName().endsWith(".jar"))
                    .filter(e -> e.getMethod() != ZipEntry.STORED).map(ZipEntry::getName).toList();
            assertEquals(List.of(), deflatedBootJars);
            // The rest is still deflated, and the manifest is still where JarInputStream looks.
            assertEquals(ZipEntry.DEFLATED, jar.getEntry("io/plugboard/runtime/Main.class").getMethod());
        }
        try (JarInputStream in = new JarInputStream(Files.newInputStream(Path.of(System.getProperty("plugboard.jar"))))) {
            assertEquals("io.plugboard.runtime.Main", in.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    @Test
    public void pipedOutputIsUtf8WhateverTheLocale() throws Exception {
        // Under a POSIX locale Java 17 would print the Chinese greeting as question marks.
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:use greeter greeter.zh\nplugin:greet Bob\n",
                Map.of("LC_ALL", "C", "LANG", "C"), List.of());
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("你好，Bob！"));
    }

    @Test
    public void anExistingPluginsFolderIsLeftAsItIs() throws Exception {
        Files.createDirectory(work.resolve("plugins"));
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:list\n");
        assertEquals(p.transcript(), 0, p.exitCode());
        assertEquals(Set.of(), fileNames(work.resolve("plugins")));
        assertThat(p.transcript(), p.stdout(), not(containsString("kv.memory")));
    }

    @Test
    public void failingCommandPrintsErrorContinuesAndExitsWithOne() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "no-such-command\nplugin:greet Ann\n");
        assertEquals(p.transcript(), 1, p.exitCode());
        List<String> errors = p.stderrLines().stream().filter(l -> l.startsWith("Error: ")).collect(Collectors.toList());
        assertEquals(p.transcript(), 1, errors.size());
        assertThat(p.transcript(), errors.get(0), containsString("no-such-command"));
        assertThat("no stack trace", p.stderr(), not(containsString("\tat ")));
        assertThat("the next command still ran", p.stdout(), containsString("Ann"));
    }

    @Test
    public void exitEndsTheScriptWithItsCode() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "exit 3\nplugin:greet Never\n");
        assertEquals(p.transcript(), 3, p.exitCode());
        assertThat(p.transcript(), p.stdout(), not(containsString("Never")));
    }

    @Test
    public void dataSurvivesARestart() throws Exception {
        PlugboardProcess first = PlugboardProcess.run(work, "plugin:use kv kv.file\nplugin:kv put fruit apple\n");
        assertEquals(first.transcript(), 0, first.exitCode());
        assertTrue(first.transcript(), Files.isDirectory(work.resolve("data/kv-file")));
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:kv get fruit\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertThat(second.transcript(), second.stdout(), containsString("apple"));
    }

    @Test
    public void selectionSurvivesARestart() throws Exception {
        PlugboardProcess first = PlugboardProcess.run(work, "plugin:use kv kv.memory\n");
        assertEquals(first.transcript(), 0, first.exitCode());
        PlugboardProcess second = PlugboardProcess.run(work, "plugin:list\n");
        assertEquals(second.transcript(), 0, second.exitCode());
        assertTrue(second.transcript(), isActive("kv.memory", second.stdout()));
    }

    @Test
    public void plugboardSystemPropertiesReachTheFramework() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:list\n", Map.of(),
                List.of("-Dplugboard.select.kv=kv.memory"));
        assertEquals(p.transcript(), 0, p.exitCode());
        assertTrue(p.transcript(), isActive("kv.memory", p.stdout()));
    }

    @Test
    public void folderOptionsAreHonoured() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:greet Zoe\n", "--plugins", "pl", "--data=dt");
        assertEquals(p.transcript(), 0, p.exitCode());
        assertTrue(Files.isRegularFile(work.resolve("pl/greeter-en.jar")));
        assertTrue(Files.isDirectory(work.resolve("dt/felix-cache")));
        assertTrue(Files.notExists(work.resolve("plugins")));
    }

    @Test
    public void corruptJarInEnvironmentIsReportedAndOthersStillServe() throws Exception {
        Path bad = Files.writeString(work.resolve("bad.jar"), "this is not a jar");
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:greet Eve\nplugin:kv put a b\n",
                Map.of(Options.PLUGINS_ENV, "bad.jar"), List.of());
        assertEquals(p.transcript(), 0, p.exitCode());
        List<String> lines = p.stderrLines().stream().filter(l -> l.contains(bad.toString())).collect(Collectors.toList());
        assertEquals(p.transcript(), 1, lines.size());
        assertThat(p.transcript(), lines.get(0), containsString("cannot install plugin"));
        assertThat(p.transcript(), p.stdout(), containsString("Eve"));
    }

    @Test
    public void corruptJarWithPluginOptionDoesNotStopStartUp() throws Exception {
        Files.writeString(work.resolve("bad.jar"), "PK but not really");
        Files.writeString(work.resolve("x.goplugin"), "name=x\n");
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:greet Max\n", "--plugin", "bad.jar",
                "--plugin", "x.goplugin");
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stderr(), containsString("cannot install plugin " + work.resolve("bad.jar")));
        // Felix would only say "zip END header not found".
        assertThat(p.transcript(), p.stderrLines(), hasItem("plugboard: --plugin and PLUGBOARD_PLUGINS take plugin "
                + "bundles (.jar); " + work.resolve("x.goplugin") + " is a go-plugin descriptor: put it in the plugins "
                + "folder or use plugin:install"));
        assertThat(p.transcript(), p.stdout(), containsString("Max"));
    }

    @Test
    public void aComponentThatFailsToActivateIsSaidOnceOnStderrAndWholeInTheLogFile() throws Exception {
        // kv.memory 3.0.0 throws in its constructor: Felix SCR logs "Error during instantiation"
        // with an InvocationTargetException of some 80 lines each time the component is tried
        // (at its start, and again when the registry asks for its service), and the registry's
        // failed get is reported three times (SCR twice, the framework once).
        Path broken = Path.of(System.getProperty("plugboard.fixture.kv-memory-broken"));
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:install " + broken + "\n");
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("not active: its component failed to activate"));
        assertThat("no stack trace: " + p.transcript(), p.stderr(), not(containsString("\tat ")));
        // Each thing once: the component's error, then the registry's reference that could not get its service.
        Path log = work.resolve("data/plugboard.log");
        List<String> lines = p.stderrLines();
        assertEquals(p.transcript(), 2, lines.size());
        Pattern componentError = Pattern.compile(Pattern.quote("ERROR [io.plugboard.kv-memory 3.0.0] bundle"
                + " io.plugboard.kv-memory:3.0.0 (") + "\\d+\\)\\[io\\.plugboard\\.kv\\.broken\\.BrokenKeyValueStore\\(\\d+\\)\\]"
                + Pattern.quote(" : Error during instantiation of the implementation object (stack trace: ")
                + "\\d+" + Pattern.quote(" more lines in " + log + ")"));
        assertTrue(p.transcript(), componentError.matcher(lines.get(0)).matches());
        assertTrue(p.transcript(), lines.get(1).startsWith("WARN [io.plugboard.host ")
                && lines.get(1).endsWith(" : Could not get service from ref [io.plugboard.api.kv.KeyValueStore]"));
        // The file keeps every entry: both tries of the component, and the three reports of the failed get.
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(logged, 2, logged.split("Error during instantiation of the implementation object", -1).length - 1);
        assertThat(logged, containsString("  Caused by: java.lang.IllegalStateException: kv.memory 3.0.0 is a test fixture"));
        assertThat(logged, containsString("\n  \tat "));
        assertThat(logged, containsString(" : Could not get service from ref [io.plugboard.api.kv.KeyValueStore]"));
        assertThat(logged, containsString(" : DependencyManager : invokeBindMethod : Service not available from service registry"));
        assertThat(logged, containsString("Service factory returned null. (Component: io.plugboard.kv.broken.BrokenKeyValueStore"));
    }

    @Test
    public void aPluginThatCallsSystemExitAsItStartsFailsAndTheRuntimeRunsOn() throws Exception {
        PlugboardProcess.run(work, "");
        Files.copy(Path.of(System.getProperty("plugboard.fixture.exiting-activator")), work.resolve("plugins/exiting.jar"));

        PlugboardProcess p = PlugboardProcess.run(work, "plugin:list\nplugin:greet Ada\n");

        // Not its exit code 3: every command ran.
        assertEquals(p.transcript(), 0, p.exitCode());
        String failed = p.stdout().lines().filter(l -> l.contains("io.plugboard.exiting-activator")).findFirst().orElse("");
        assertThat(p.transcript(), failed, containsString(" FAILED "));
        assertThat(p.transcript(), failed, containsString("failed to start: its activator threw java.lang.SecurityException:"
                + " io.plugboard.exiting-activator 0.1.0.SNAPSHOT (bundle "));
        assertThat(p.transcript(), failed, containsString(") called System.exit(3); a plugin may not end the host (at "
                + "io.plugboard.exiting.ExitingActivator.start(ExitingActivator.java:"));
        assertThat(p.transcript(), p.stdout(), containsString("Ada"));
    }

    @Test
    public void pluginOptionInstallsAJar() throws Exception {
        // Start once so the example plugins are unpacked, then install one of them by path into
        // a runtime whose plugins folder is empty.
        PlugboardProcess.run(work, "");
        Path jar = Files.move(work.resolve("plugins/greeter-en.jar"), work.resolve("greeter-en.jar"));
        Files.createDirectory(work.resolve("empty"));
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:list\n", "--plugins", "empty", "--plugin", jar.toString());
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("greeter.en"));
        assertThat(p.transcript(), p.stdout(), not(containsString("kv.memory")));
    }

    @Test
    public void unknownOptionIsOneLineAndExitCodeTwo() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "", "--bogus");
        assertEquals(p.transcript(), 2, p.exitCode());
        assertEquals(p.transcript(), List.of("plugboard: unknown option --bogus (try --help)"), p.stderrLines());
        assertTrue("nothing started", Files.notExists(work.resolve("data")));
    }

    @Test
    public void missingPluginFileIsOneLineAndExitCodeTwo() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "", "--plugin", "nope.jar");
        assertEquals(p.transcript(), 2, p.exitCode());
        assertEquals(p.transcript(), List.of("plugboard: plugin file not found: " + work.resolve("nope.jar")
                + " (try --help)"), p.stderrLines());
    }

    @Test
    public void unusableDataFolderIsOneLineAndExitCodeOne() throws Exception {
        Files.writeString(work.resolve("blocker"), "a regular file");
        PlugboardProcess p = PlugboardProcess.run(work, "", "--data", "blocker/data");
        assertEquals(p.transcript(), 1, p.exitCode());
        List<String> lines = p.stderrLines();
        assertEquals(p.transcript(), 1, lines.size());
        assertThat(lines.get(0), containsString("cannot create the data folder " + work.resolve("blocker/data")));
        assertTrue("the plugins folder is not created either", Files.notExists(work.resolve("plugins")));
    }

    @Test
    public void aSecondRuntimeOnTheSameDataFolderIsRefusedAndTouchesNothing() throws Exception {
        PlugboardProcess first = PlugboardProcess.start(work, List.of(), List.of(), Map.of());
        // Standard input stays open: the first runtime waits for more commands after this one.
        OutputStream in = first.process().getOutputStream();
        in.write("plugin:greet Ann\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        first.awaitStdout("Ann");
        Set<String> cache = cacheEntries();

        PlugboardProcess second = PlugboardProcess.run(work, "plugin:list\n");

        assertEquals(second.transcript(), 1, second.exitCode());
        assertEquals(second.transcript(), List.of("plugboard: the data folder " + work.resolve("data")
                + " is in use by another Plugboard (pid " + first.process().pid() + ");"
                + " stop it first or start with --data <another folder>"), second.stderrLines());
        assertEquals(second.transcript(), "", second.stdout());
        // Before, the second start uninstalled the first's bundles and deleted their cache folders.
        assertEquals(cache, cacheEntries());
        in.write("plugin:greet Bob\n".getBytes(StandardCharsets.UTF_8));
        in.close();
        int code = first.awaitExit();
        assertEquals(first.transcript(), 0, code);
        assertThat(first.transcript(), first.stdout(), containsString("Bob"));
        assertThat(first.transcript(), first.stderr(), not(containsString("Exception")));
    }

    /** The framework cache's bundle folders and their revisions, leaving out the bundles' data areas. */
    private Set<String> cacheEntries() throws Exception {
        Path cache = work.resolve("data/felix-cache");
        try (Stream<Path> files = Files.walk(cache, 2)) {
            return files.filter(f -> !f.getFileName().toString().equals("data"))
                    .map(f -> cache.relativize(f).toString()).collect(Collectors.toSet());
        }
    }

    @Test
    public void aPipedSessionWithASelectionEndsWithNothingOnStderr() throws Exception {
        // At exit the plugins stop: a type whose selected plugin leaves then is no news to report,
        // a bundle's plugin (the framework stops) or a go-plugin (its bundle is stopped first).
        for (String selected : List.of("kv.memory", "kv.go")) {
            PlugboardProcess p = PlugboardProcess.run(work, "plugin:use kv " + selected + "\nplugin:kv put a 1\n");
            assertEquals(p.transcript(), 0, p.exitCode());
            assertThat(p.transcript(), p.stdout(), containsString("stored a in " + selected));
            assertEquals(p.transcript(), "", p.stderr());
        }
    }

    @Test
    public void helpPrintsUsageAndExitsZero() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, "", "--help");
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.stdout(), containsString("Usage: bin/plugboard [options]"));
        assertThat(p.stdout(), containsString("java -jar plugboard.jar"));
        assertThat(p.stdout(), containsString("PLUGBOARD_JAVA_OPTS"));
        assertThat(p.stdout(), containsString("--no-shell"));
        assertThat(p.stdout(), containsString(Options.PLUGINS_ENV));
        assertEquals("", p.stderr());
    }

    /** SIGTERM (Process.destroy) stops the framework through the shutdown hook; the JVM reports 143. */
    @Test
    public void noShellRunsUntilSigtermThenStopsCleanly() throws Exception {
        PlugboardProcess p = PlugboardProcess.start(work, List.of(), List.of("--no-shell"), Map.of());
        p.awaitStdout("running without a shell");
        // Standard input is ignored without a shell: closing it must not stop the runtime.
        p.process().getOutputStream().close();
        Thread.sleep(1_000);
        assertTrue("still running: " + p.stderr(), p.process().isAlive());
        p.process().destroy();
        int code = p.awaitExit();
        assertEquals(p.transcript(), 143, code);
        assertThat(p.transcript(), p.stderr(), not(containsString("Exception")));
    }

    /** Whether plugin:list marks {@code plugin} with '*' as the one serving its type. */
    private static boolean isActive(String plugin, String pluginList) {
        return Pattern.compile("(?m)^.*\\b" + Pattern.quote(plugin) + "\\b.*\\*\\s*$").matcher(pluginList).find();
    }

    private static Set<String> fileNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
