package io.plugboard.goplugin.internal.launch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.log.LogLevel;

import io.plugboard.goplugin.internal.launch.RecordingOutput.Line;

/**
 * Plugins started through plugboard-spawner, with real processes: they die with the spawner, the
 * spawner refuses a parent that is not the given JVM, output and ends reach the right plugin, and
 * without the binary the launcher falls back to the JVM's way and says why once.
 */
public class GoSpawnerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private final List<String> notices = new CopyOnWriteArrayList<>();
    private PluginLauncher launcher;
    private Path dir;

    @Before
    public void setUp() throws IOException {
        assumeTrue("plugboard-spawner runs on Linux amd64 only", SpawnerBinary.unsupported() == null);
        dir = temp.getRoot().toPath();
        launcher = new PluginLauncher(temp.newFolder("native").toPath(), notices::add);
    }

    @After
    public void tearDown() {
        if (launcher != null) {
            launcher.close();
        }
    }

    /**
     * A start cancelled while the spawner itself starts (the handler stopping as the runtime
     * exits) is no fault of the spawner's: the launcher does not fall back to the JVM's way, and
     * says nothing about it.
     */
    @Test
    public void aStartInterruptedWhileTheSpawnerStartsLeavesTheSpawnerInUse() throws Exception {
        Thread.currentThread().interrupt();
        try {
            // Interrupted in the spawner's start, as a rule; if the spawner answered before its
            // start looked at the interrupt, in the wait for the handshake: cancelled either way.
            HandshakeException e = assertThrows(HandshakeException.class,
                    () -> launcher.start(spec(sleeper("kv-go")), new RecordingOutput()));
            assertTrue(e.getMessage(), e.getMessage().contains("interrupted while"));
        } finally {
            Thread.interrupted();
        }
        PluginProcess plugin = launcher.start(spec(sleeper("kv-go")), new RecordingOutput());
        assertTrue("the next start goes through the spawner", launcher.usesSpawner());
        assertEquals("no fallback said", List.of(), notices);
        plugin.kill();
    }

    @Test
    public void pluginsAreChildrenOfTheSpawner() throws Exception {
        PluginProcess plugin = launcher.start(spec(sleeper("kv-go")), new RecordingOutput());
        assertTrue(launcher.usesSpawner());
        assertEquals(List.of(), notices);
        long parent = ProcessHandle.of(plugin.pid()).orElseThrow().parent().orElseThrow().pid();
        assertEquals(launcher.spawnerPid(), parent);
        assertEquals(ProcessHandle.current().pid(),
                ProcessHandle.of(parent).orElseThrow().parent().orElseThrow().pid());
        assertEquals("SIGKILL", plugin.kill().signal());
    }

    /**
     * A terminal sends Ctrl-C (SIGINT) to its foreground process group, the JVM's: in it, a Ctrl-C
     * at the shell's prompt killed the spawner and so every plugin. The spawner makes a group of
     * its own, which its plugins inherit.
     */
    @Test
    public void theSpawnerAndItsPluginsAreOutsideTheJvmsProcessGroup() throws Exception {
        PluginProcess plugin = launcher.start(spec(sleeper("kv-go")), new RecordingOutput());
        assertTrue(launcher.usesSpawner());
        long spawner = launcher.spawnerPid();
        assertEquals("the spawner leads a group", spawner, processGroup(spawner));
        assertEquals("the plugin is in the spawner's group", spawner, processGroup(plugin.pid()));
        assertNotEquals(processGroup(ProcessHandle.current().pid()), spawner);
        assertEquals("SIGKILL", plugin.kill().signal());
    }

    /** The process group of a process: the fifth field of /proc/PID/stat (after the name, which may hold spaces). */
    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterName[2]); // state, ppid, pgrp
    }

    @Test
    public void pluginsDieWhenTheSpawnerIsKilled() throws Exception {
        PluginProcess one = launcher.start(spec(sleeper("one")), new RecordingOutput());
        PluginProcess two = launcher.start(spec(sleeper("two")), new RecordingOutput());
        long spawner = launcher.spawnerPid();
        ProcessHandle.of(spawner).orElseThrow().destroyForcibly();
        assertTrue("plugin one is gone", Scripts.eventually(() -> Scripts.gone(one.pid()), WAIT));
        assertTrue("plugin two is gone", Scripts.eventually(() -> Scripts.gone(two.pid()), WAIT));
        // The launcher learns it from the spawner's end: both plugins ended by SIGKILL.
        assertEquals("SIGKILL", one.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).signal());
        assertEquals("SIGKILL", two.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).signal());
        // The next start gets a new spawner.
        PluginProcess three = launcher.start(spec(sleeper("three")), new RecordingOutput());
        assertNotEquals(spawner, launcher.spawnerPid());
        assertTrue(launcher.usesSpawner());
        three.kill();
    }

    @Test
    public void pluginsDieWhenTheSpawnersStdinCloses() throws Exception {
        Spawner forker = new Spawner("test forker");
        try {
            GoSpawner spawner = GoSpawner.start(SpawnerBinary.temporary().binary(), forker);
            PluginProcess plugin = new PluginProcess(spec(sleeper("kv-go")), new RecordingOutput());
            Child child = spawner.start(new ChildCommand("kv.go", List.of(sleeper("kv-go").toString()), dir,
                    Map.of("TMPDIR", dir.toString())), plugin.events());
            plugin.started(child, java.time.Instant.now());
            assertFalse(Scripts.gone(child.pid()));
            long spawnerPid = spawner.pid();
            spawner.close(); // closes its stdin
            // Within a bounded time: had close had to kill the spawner, the plugin dies a moment later.
            assertTrue("the plugin is gone", Scripts.eventually(() -> Scripts.gone(child.pid()), WAIT));
            assertTrue("the spawner is gone", Scripts.eventually(() -> Scripts.gone(spawnerPid), WAIT));
            // It reported the kill before it went.
            assertEquals("SIGKILL", plugin.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).signal());
            assertFalse(spawner.usable());
        } finally {
            forker.close();
        }
    }

    @Test
    public void aSpawnerWhoseParentIsNotTheGivenPidExits() throws Exception {
        Path binary = SpawnerBinary.in(temp.newFolder("bin").toPath()).binary();
        // Pid 1 is not this JVM: as if the JVM had died before the spawner armed its signal.
        Process spawner = new ProcessBuilder(binary.toString(), "1").redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        spawner.getOutputStream().close();
        assertTrue(spawner.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(3, spawner.exitValue());
        try (DataInputStream frames = new DataInputStream(spawner.getInputStream());
                InputStream err = spawner.getErrorStream()) {
            int length = frames.readInt();
            assertEquals("a fatal frame", 2, frames.readUnsignedByte());
            assertEquals(0, frames.readInt());
            byte[] text = new byte[frames.readInt()];
            frames.readFully(text);
            assertEquals(length - 9, text.length);
            String message = new String(text, StandardCharsets.UTF_8);
            assertTrue(message, message.matches("the parent process is \\d+, not 1: the JVM that started this"
                    + " spawner is gone"));
            assertEquals("plugboard-spawner: " + message + "\n", new String(err.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    public void outputAndEndsReachTheRightPluginWithTwoRunning() throws Exception {
        // Each writes lines to both streams, interleaved with the other's, then ends its own way.
        String body = "for i in 1 2 3 4 5; do echo \"$NAME out $i\"; echo \"$NAME err $i\" >&2; done\n"
                + "sleep 0.2\n";
        Path a = Scripts.write(dir, "a", Scripts.HANDSHAKE + body + "exit 4\n");
        Path b = Scripts.write(dir, "b", Scripts.HANDSHAKE + body + "kill -TERM $$\n");
        RecordingOutput outA = new RecordingOutput();
        RecordingOutput outB = new RecordingOutput();
        PluginProcess pa = launcher.start(spec(a, "kv.a"), outA);
        PluginProcess pb = launcher.start(spec(b, "kv.b"), outB);
        ProcessExit exitA = pa.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        ProcessExit exitB = pb.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(4, exitA.exitCode());
        assertEquals(null, exitA.signal());
        assertEquals("SIGTERM", exitB.signal());
        // stdout lines after the handshake are INFO, raw stderr lines WARN; the order of the two
        // streams against each other is not kept (two pipes), so each is compared on its own.
        for (String name : List.of("kv.a", "kv.b")) {
            RecordingOutput output = name.equals("kv.a") ? outA : outB;
            assertEquals(name, lines(name, "out", LogLevel.INFO), only(output, LogLevel.INFO));
            assertEquals(name, lines(name, "err", LogLevel.WARN), only(output, LogLevel.WARN));
        }
        assertEquals(List.of("kv.b err 1", "kv.b err 2", "kv.b err 3", "kv.b err 4", "kv.b err 5"),
                exitB.lastStderrLines());
        assertTrue(launcher.usesSpawner());
    }

    @Test
    public void withoutTheBinaryTheJvmStartsThePluginsAndSaysWhyOnce() throws Exception {
        launcher.close();
        launcher = new PluginLauncher(null, () -> {
            throw new IOException("the goplugin bundle has no linux-amd64/plugboard-spawner");
        }, notices::add);
        PluginProcess one = launcher.start(spec(sleeper("one")), new RecordingOutput());
        PluginProcess two = launcher.start(spec(sleeper("two")), new RecordingOutput());
        assertFalse(launcher.usesSpawner());
        assertEquals(List.of("go-plugin plugins are started through the JVM (jspawnhelper), not through"
                + " plugboard-spawner: the goplugin bundle has no linux-amd64/plugboard-spawner"), notices);
        // Started by the JVM itself.
        assertEquals(ProcessHandle.current().pid(),
                ProcessHandle.of(one.pid()).orElseThrow().parent().orElseThrow().pid());
        assertEquals("SIGKILL", one.kill().signal());
        assertEquals("SIGKILL", two.kill().signal());
    }

    @Test
    public void aBinaryThatCannotRunIsAFallbackToo() throws Exception {
        launcher.close();
        Path notAProgram = Files.writeString(dir.resolve("plugboard-spawner"), "not a program");
        launcher = new PluginLauncher(null, () -> notAProgram, notices::add);
        PluginProcess plugin = launcher.start(spec(sleeper("kv-go")), new RecordingOutput());
        assertFalse(launcher.usesSpawner());
        assertEquals(1, notices.size());
        assertTrue(notices.get(0), notices.get(0).startsWith("go-plugin plugins are started through the JVM"
                + " (jspawnhelper), not through plugboard-spawner: cannot run " + notAProgram + ": Cannot run program"));
        plugin.kill();
    }

    @Test
    public void theBinaryIsUnpackedOnceAndReplacedWhenItsBytesDiffer() throws Exception {
        Path folder = dir.resolve("data");
        Path binary = SpawnerBinary.in(folder).binary();
        assertEquals(folder.resolve("plugboard-spawner"), binary);
        assertTrue(Files.isExecutable(binary));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(binary)));
        byte[] bytes = Files.readAllBytes(binary);
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(binary, old);
        assertEquals("the same bytes are kept", old, Files.getLastModifiedTime(SpawnerBinary.in(folder).binary()));
        Files.write(binary, new byte[bytes.length]);
        Files.setLastModifiedTime(binary, old);
        assertArrayEquals("other bytes are replaced", bytes, Files.readAllBytes(SpawnerBinary.in(folder).binary()));
        try (var left = Files.list(folder)) {
            assertEquals("no temporary file is left", List.of(binary), left.toList());
        }
    }

    private static List<Line> lines(String name, String stream, LogLevel level) {
        return java.util.stream.IntStream.rangeClosed(1, 5)
                .mapToObj(i -> new Line(level, name + " " + stream + " " + i, Map.of())).toList();
    }

    private static List<Line> only(RecordingOutput output, LogLevel level) {
        return output.lines().stream().filter(line -> line.level() == level).toList();
    }

    private Path sleeper(String name) throws IOException {
        return Scripts.write(dir, name, Scripts.HANDSHAKE + Scripts.SLEEP);
    }

    private LaunchSpec spec(Path command) {
        return Scripts.spec(command, dir, WAIT);
    }

    private LaunchSpec spec(Path command, String name) {
        return new LaunchSpec(name, "1.0.0", command, List.of(), dir, Map.of("NAME", name), "BASIC_PLUGIN",
                "hello", List.of(1, 2), dir, WAIT);
    }

    /**
     * A spawner that does not answer (stopped with SIGSTOP) fails the start within its bound,
     * rather than hold the starting thread (and the host's stop behind it) for ever; it is killed
     * as broken, so the launcher runs a new one at the next start.
     */
    @Test(timeout = 20_000)
    public void aStoppedSpawnerFailsTheStartWithinItsBoundAndIsKilled() throws Exception {
        SpawnerBinary.Source source = SpawnerBinary.in(temp.newFolder("frozen").toPath());
        Path binary = source.binary();
        Spawner forker = new Spawner("test forker");
        GoSpawner spawner = GoSpawner.start(binary, forker, 500);
        try {
            ProcessHandle process = ProcessHandle.of(spawner.pid()).orElseThrow();
            assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(spawner.pid())).start().waitFor());
            ChildCommand sleep = new ChildCommand("frozen", List.of("/bin/sleep", "987.201"), dir, Map.of());
            ChildEvents ignored = new ChildEvents() {
                @Override
                public void output(int stream, byte[] bytes, int offset, int length) {
                }

                @Override
                public void ended(int stream) {
                }

                @Override
                public void exited(int exitValue) {
                }
            };

            long started = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> spawner.start(sleep, ignored));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertTrue("took " + tookMillis + " ms", tookMillis < 5_000);
            assertEquals("plugboard-spawner (pid " + spawner.pid() + ") did not answer within 500 ms (stopped or"
                    + " hung); it was killed, with the plugins it ran, and the next start runs a new one",
                    e.getMessage());
            assertFalse(spawner.usable());
            assertTrue("the spawner was killed", process.onExit().get(5, TimeUnit.SECONDS) != null);
        } finally {
            spawner.close();
            forker.close();
            source.release(binary);
        }
    }
}
