package io.plugboard.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The default go-plugin plugin, kv.go, in the built plugboard.jar: its program and descriptor
 * are copied on the first start, it serves {@code plugin:kv} once selected (the acceptance test
 * of issue 5), and its process never outlives the runtime, whether the runtime is stopped with
 * SIGTERM or killed with SIGKILL.
 */
public class GoPluginRuntimeIT {

    /** How long a process may take to end once its parent is gone or stopped it. */
    private static final long PROCESS_END_MILLIS = 5_000;

    private static final Pattern PID = Pattern.compile("(?m)^\\s+pid:\\s+(\\d+)\\s*$");

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path work;

    @Before
    public void createWorkDir() throws Exception {
        work = temp.newFolder("work").toPath();
    }

    /** Issue 5's acceptance test, the README's way: commands piped into java -jar plugboard.jar. */
    @Test
    public void kvGoServesPutAndGetOnceSelected() throws Exception {
        PlugboardProcess p = PlugboardProcess.run(work, String.join("\n",
                // plugin:use first: it waits for kv.go, which starts beside the host, not before it.
                // kv.go is registered once its handshake was accepted; the put waits until it
                // serves, so that the list shows its process.
                "plugin:use kv kv.go",
                "plugin:kv put k v",
                "plugin:list",
                "plugin:kv get k",
                ""));
        assertEquals(p.transcript(), 0, p.exitCode());
        List<String> out = p.stdout().lines().toList();
        // kv.go is there and now serves kv.
        assertTrue(p.transcript(), out.stream().anyMatch(l -> l.matches("-\\s+kv\\.go\\s+kv\\s+0\\.0\\.1\\s+ACTIVE\\s+\\*\\s+"
                + "kv-go\\.goplugin \\(state serving, pid \\d+\\)")));
        assertTrue(p.transcript(), out.stream().anyMatch(l -> l.matches("kv is now served by kv\\.go 0\\.0\\.1 \\(bundle \\d+\\)")));
        assertTrue(p.transcript(), out.contains("stored k in kv.go"));
        assertEquals(p.transcript(), "v", out.get(out.size() - 1));
        // The Go process wrote it: one file per key in its working folder.
        assertEquals("v", Files.readString(work.resolve("data/goplugin/kv.go/kk")));
        assertTrue(Files.isExecutable(work.resolve("plugins/bin/kv-go")));
        assertEquals("no kv-go process is left after the script", List.of(), kvGoProcesses());
        // The go-plugin bundle starts after the host, so that its start is logged too (the host's
        // log printer keeps no history: what is logged before it listens is lost).
        String log = Files.readString(work.resolve("data/plugboard.log"));
        assertTrue(log, Pattern.compile("(?m)\\[io\\.plugboard\\.goplugin \\S+\\] BundleEvent STARTED$").matcher(log).find());
    }

    /**
     * A selection kept from an earlier run names kv.go, which starts after the shell takes its
     * first command: that command finds kv.go, and the first call waits for kv.go instead of
     * going to the default kv plugin (kv.file), where the value would have landed unnoticed.
     */
    @Test
    public void installingTheDescriptorKvGoRunsFromIsRefusedEvenWhileTheFolderStartsIt() throws Exception {
        // The first command: the folder is still starting kv-go's process from that very file.
        PlugboardProcess p = PlugboardProcess.run(work, "plugin:install plugins/kv-go.goplugin\nplugin:list\n");
        assertEquals(p.transcript(), 1, p.exitCode());
        assertTrue(p.transcript(), p.stderrLines().contains("Error: " + work.resolve("plugins/kv-go.goplugin")
                + " is already installed (kv.go 0.0.1 runs from it); use plugin:update kv.go"));
        assertFalse(p.transcript(), p.stdout().contains("installed kv.go"));
        assertEquals(p.transcript(), 1, Files.readString(work.resolve("data/plugboard.log")).lines()
                .filter(l -> l.contains("Started go-plugin kv.go")).count());
    }

    @Test
    public void theFirstCallOfARestartGoesToTheSelectedKvGoNotToAnotherStore() throws Exception {
        PlugboardProcess first = PlugboardProcess.run(work, "plugin:use kv kv.go\n");
        assertEquals(first.transcript(), 0, first.exitCode());
        PlugboardProcess again = PlugboardProcess.run(work, "plugin:info kv.go\nplugin:kv put a two\nplugin:kv get a\n");
        assertEquals(again.transcript(), 0, again.exitCode());
        List<String> out = again.stdout().lines().toList();
        // The first command names kv.go, which the plugins folder installs after the shell is up.
        assertEquals(again.transcript(), "kv.go 0.0.1, run from kv-go.goplugin", out.get(0));
        assertTrue(again.transcript(), out.contains("stored a in kv.go"));
        assertEquals(again.transcript(), "two", out.get(out.size() - 1));
        assertEquals("two", Files.readString(work.resolve("data/goplugin/kv.go/ka")));
        Path kvFile = work.resolve("data/kv-file");
        try (Stream<Path> files = Files.exists(kvFile) ? Files.walk(kvFile) : Stream.empty()) {
            assertEquals("kv.file stored nothing", List.of(), files.filter(Files::isRegularFile).toList());
        }
    }

    /**
     * On a first start the go-plugin bundle (10.7 MB to copy into the framework cache) is
     * installed on a thread of its own, after the boot bundles the host needs: it is still
     * active when the script runs, and kept (same bundle) at the next start.
     */
    @Test
    public void goPluginBundleInstalledAsideOnAFirstStartIsActiveWhenTheScriptRuns() throws Exception {
        PlugboardProcess first = PlugboardProcess.run(work, "lb\n");
        assertEquals(first.transcript(), 0, first.exitCode());
        long goPlugin = bundleId(first, "Plugboard go-plugin host", "Active");
        assertTrue(first.transcript(), goPlugin > bundleId(first, "Apache Felix Declarative Services", "Active"));
        assertTrue(first.transcript(), goPlugin > bundleId(first, "Plugboard host", "Active"));

        PlugboardProcess again = PlugboardProcess.run(work, "lb\n");
        assertEquals(again.transcript(), 0, again.exitCode());
        assertEquals(again.transcript(), goPlugin, bundleId(again, "Plugboard go-plugin host", "Active"));
    }

    /** The id of the bundle whose name in Gogo's lb starts with {@code name}, checked to be in {@code state}. */
    private static long bundleId(PlugboardProcess p, String name, String state) throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|(\\w+)\\s*\\|\\s*\\d+\\|" + Pattern.quote(name) + " \\(").matcher(p.stdout());
        if (!m.find()) {
            fail("no bundle " + name + " in lb: " + p.transcript());
        }
        assertEquals(p.transcript(), state, m.group(2));
        return Long.parseLong(m.group(1));
    }

    @Test
    public void noKvGoProcessOutlivesARuntimeKilledWithSigkill() throws Exception {
        // Socket folders of their own: any host's first go-plugin start sweeps the stale folders
        // it finds, and another runtime on this machine sweeping /tmp first would take the line
        // this test expects from the second start.
        List<String> ownSockets = List.of("-Dplugboard.goplugin.socket.dir=" + temp.newFolder("s"));
        PlugboardProcess p = PlugboardProcess.start(work, ownSockets, List.of(), Map.of());
        // Standard input stays open: the runtime waits for more commands after these.
        OutputStream in = p.process().getOutputStream();
        in.write("plugin:use kv kv.go\nplugin:kv put before kill\nplugin:info kv.go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        p.awaitStdout("descriptor:");
        long pid = pidIn(p.stdout(), p);
        assertTrue("kv-go " + pid + " runs", runs(pid));
        assertEquals(List.of(pid), kvGoProcesses());
        // Forked by the goplugin bundle's plugboard-spawner, a child of the runtime's JVM.
        ProcessHandle spawner = ProcessHandle.of(pid).orElseThrow().parent().orElseThrow();
        assertEquals(work.resolve("data/native/plugboard-spawner").toRealPath().toString(),
                spawner.info().command().orElse("?"));
        assertEquals(p.process().pid(), spawner.parent().orElseThrow().pid());

        Path socketDir = socketOf(pid).getParent();
        p.process().destroyForcibly(); // SIGKILL: no shutdown hook, no framework stop
        assertTrue("the runtime ended", p.process().waitFor(PlugboardProcess.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals("killed by SIGKILL", 137, p.exitCode());
        await("the spawner " + spawner.pid(), () -> !runs(spawner.pid()));
        await("kv-go " + pid, () -> !runs(pid));
        await("every kv-go process of this runtime", () -> kvGoProcesses().isEmpty());
        assertTrue("the write acknowledged before the kill was kept",
                Files.readString(work.resolve("data/goplugin/kv.go/kbefore")).equals("kill"));
        in.close();
        // What a SIGKILL leaves: the socket of the plugin the kernel killed, in its folder, which
        // the next start removes (its owner, the killed runtime, no longer runs).
        assertTrue(socketDir + " is left by the kill", Files.isDirectory(socketDir));
        PlugboardProcess again = PlugboardProcess.run(work, "plugin:use kv kv.go\nplugin:kv get before\n", Map.of(),
                ownSockets);
        assertEquals(again.transcript(), 0, again.exitCode());
        assertEquals(again.transcript(), "kill", again.stdout().strip().lines().reduce((a, b) -> b).orElse(""));
        assertFalse(socketDir + " is removed by the next start", Files.exists(socketDir));
        String log = Files.readString(work.resolve("data/plugboard.log"));
        assertTrue(log, log.contains("socket folder(s) of plugins whose host was killed") && log.contains(socketDir.toString()));
    }

    @Test
    public void sigtermStopsKvGoGracefullyAndTheRuntimeExitsAsBefore() throws Exception {
        PlugboardProcess p = PlugboardProcess.start(work, List.of(), List.of("--no-shell"), Map.of());
        p.awaitStdout("running without a shell");
        await("kv-go to start", () -> kvGoProcesses().size() == 1);
        long pid = kvGoProcesses().get(0);
        // Serving: a start still under way would be cancelled instead (RealPendingStartsTest).
        Path socketDir = socketOf(pid).getParent();

        p.process().destroy(); // SIGTERM
        int code = p.awaitExit();
        assertEquals(p.transcript(), 143, code);
        await("kv-go " + pid, () -> !runs(pid));
        assertEquals(List.of(), kvGoProcesses());
        // Stopped by the runtime (Shutdown over gRPC, else a kill after 2 s, then its socket
        // folder removed), not by the kernel's parent-death signal after the JVM was gone, which
        // would have left the socket folder behind.
        assertFalse(socketDir + " is removed", Files.exists(socketDir));
        assertFalse(p.transcript(), p.stderr().contains("Exception"));
    }

    /**
     * The socket of the kv-go process, from the "Started go-plugin" line in plugboard.log; waits
     * for it, since the supervisor's thread says it and the log is written by another thread.
     */
    private Path socketOf(long pid) throws Exception {
        Pattern started = Pattern.compile("Started go-plugin kv\\.go \\S+ \\(pid " + pid + ", [^)]*socket (/\\S+)\\)");
        Path log = work.resolve("data/plugboard.log");
        await("a 'Started go-plugin kv.go' line for pid " + pid + " in plugboard.log",
                () -> started.matcher(readOrEmpty(log)).find());
        Matcher m = started.matcher(Files.readString(log));
        assertTrue(m.find());
        return Path.of(m.group(1));
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The pid that plugin:info printed. */
    private static long pidIn(String stdout, PlugboardProcess p) throws IOException {
        Matcher m = PID.matcher(stdout);
        if (!m.find()) {
            fail("no pid in plugin:info's output:\n" + p.transcript());
        }
        return Long.parseLong(m.group(1));
    }

    /** The live processes whose program is this runtime's plugins/bin/kv-go, found in /proc. */
    private List<Long> kvGoProcesses() {
        Path program;
        try {
            program = work.resolve("plugins/bin/kv-go").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("the runtime did not copy kv-go to its plugins folder", e);
        }
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    // A zombie (or a process gone meanwhile) has no readable exe: it runs no more.
                    if (Files.readSymbolicLink(entry.resolve("exe")).equals(program) && runs(Long.parseLong(name))) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // Not ours to read, or gone.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        return pids;
    }

    /** Whether the process exists and is no zombie (a zombie has ended; only its exit status is left). */
    private static boolean runs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls (bounded) until the condition holds. */
    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROCESS_END_MILLIS);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + PROCESS_END_MILLIS + " ms for " + what);
            }
            Thread.sleep(50);
        }
    }
}
