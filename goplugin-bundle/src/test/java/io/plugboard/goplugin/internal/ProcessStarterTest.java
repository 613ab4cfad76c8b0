package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.bin;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.goplugin.internal.launch.PluginLauncher;
import io.plugboard.goplugin.internal.wire.PluginChannels;

/** ProcessStarter with the real kv-go: the binary is hashed at a start only when the descriptor pins a hash. */
public class ProcessStarterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private PluginLauncher launcher;
    private PluginChannels channels;
    private ProcessStarter starter;

    @Before
    public void setUp() throws Exception {
        launcher = new PluginLauncher();
        channels = new PluginChannels(temp.newFolder("native").toPath());
        starter = new ProcessStarter(launcher, () -> channels, temp.newFolder("s").toPath(),
                descriptor -> (level, message, fields) -> {
                });
    }

    @After
    public void tearDown() {
        channels.close();
        launcher.close();
    }

    private Descriptor descriptor(String extra) throws Exception {
        Path file = temp.getRoot().toPath().resolve("kv.go.goplugin");
        Files.writeString(file, "name=kv.go\ntype=kv\ncommand=" + bin("kv-go") + "\ncookie=BASIC_PLUGIN=hello\n"
                + "start-timeout-ms=10000\n" + extra);
        return Descriptor.read(file, temp.getRoot().toPath().resolve("work"));
    }

    @Test
    public void anUnpinnedBinaryIsNotHashedAtTheStart() throws Exception {
        PluginInstance instance = starter.start(descriptor(""));
        try {
            assertNull(instance.binary().knownSha256());
            instance.put("k", new byte[] {1}, DEADLINE);
            assertArrayEquals(new byte[] {1}, instance.get("k", DEADLINE).orElseThrow());
            assertEquals("hashed when asked, from the file it started", Hashes.sha256(bin("kv-go")),
                    instance.binary().sha256());
        } finally {
            assertTrue(instance.stop(DEADLINE));
        }
    }

    @Test
    public void aPinnedBinaryIsHashedAndCheckedAtTheStart() throws Exception {
        String sha256 = Hashes.sha256(bin("kv-go"));
        PluginInstance instance = starter.start(descriptor("sha256=" + sha256 + "\n"));
        try {
            assertEquals(sha256, instance.binary().knownSha256());
        } finally {
            assertTrue(instance.stop(DEADLINE));
        }
        Descriptor wrong = descriptor("sha256=" + "0".repeat(64) + "\n");
        PluginFileException e = assertThrows(PluginFileException.class, () -> starter.start(wrong));
        assertEquals("kv.go: " + bin("kv-go") + " has SHA-256 " + sha256 + ", but " + wrong.file() + " requires "
                + "0".repeat(64) + " (key \"sha256\"); refusing to run it", e.getMessage());
    }
    @Test
    public void fileSystemFailuresAreWordedWithoutJavaClassNames() throws Exception {
        // The binary gone between the descriptor's check and the start (deleted meanwhile).
        Path copy = Files.copy(bin("kv-go"), temp.getRoot().toPath().resolve("kv-go-copy"));
        Path file = temp.getRoot().toPath().resolve("copy.goplugin");
        Files.writeString(file, "name=kv.copy\ntype=kv\ncommand=" + copy + "\ncookie=BASIC_PLUGIN=hello\n");
        Descriptor gone = Descriptor.read(file, temp.getRoot().toPath().resolve("work"));
        Files.delete(copy);
        PluginFileException e = assertThrows(PluginFileException.class, () -> starter.start(gone));
        assertEquals("kv.copy: cannot read " + copy + ": no such file or folder", e.getMessage());

        // A working folder whose parent is a file.
        Path blocker = Files.writeString(temp.getRoot().toPath().resolve("blocker"), "a file");
        Descriptor blocked = descriptor("workdir=" + blocker.resolve("work") + "\n");
        e = assertThrows(PluginFileException.class, () -> starter.start(blocked));
        assertTrue(e.getMessage(), e.getMessage().endsWith("(key \"workdir\" of " + blocked.file() + "): "
                + "not a directory"));
    }

    @Test
    public void theChannelIsPreparedWhileThePluginStarts() throws Exception {
        List<Boolean> insideLaunch = new ArrayList<>();
        boolean[] meanwhileRan = new boolean[1];
        ProcessStarter watched = new ProcessStarter(launcher, () -> {
            insideLaunch.add(meanwhileRan[0] && StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().equals(PluginLauncher.class.getName()) && f.getMethodName().equals("start"))));
            return channels;
        }, temp.newFolder("s2").toPath(), descriptor -> (level, message, fields) -> {
        });
        PluginInstance instance = watched.start(descriptor(""), new InstanceStarter.Steps(() -> meanwhileRan[0] = true, () -> { }));
        try {
            assertEquals("asked once, after the caller's own work, inside the launch", List.of(true), insideLaunch);
            instance.put("k", new byte[] {1}, DEADLINE);
        } finally {
            assertTrue(instance.stop(DEADLINE));
        }
    }

    /** The kv-go processes this JVM runs now (children of its spawner). */
    private static List<ProcessHandle> kvGoProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/kv-go")).orElse(false)).toList();
    }

    /** The plugin sockets under the folder. */
    private static List<Path> sockets(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            return paths.filter(p -> p.getFileName().toString().startsWith("plugin") && !Files.isDirectory(p) && !Files.isRegularFile(p)).toList();
        }
    }

    @Test
    public void theConnectingStepRunsAfterTheHandshakeWhileTheReadinessCheckIsOnItsWay() throws Exception {
        Path socketRoot = temp.newFolder("s4").toPath();
        List<String> seen = new ArrayList<>();
        ProcessStarter watched = new ProcessStarter(launcher, () -> channels, socketRoot,
                descriptor -> (level, message, fields) -> {
                });
        PluginInstance instance = watched.start(descriptor(""), new InstanceStarter.Steps(() -> seen.add("launching"),
                () -> {
                    try {
                        // The plugin listens (it wrote its handshake); the start has not returned.
                        seen.add("connecting, sockets " + sockets(socketRoot).size());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
        try {
            assertEquals(List.of("launching", "connecting, sockets 1"), seen);
            instance.put("k", new byte[] {1}, DEADLINE);
        } finally {
            assertTrue(instance.stop(DEADLINE));
        }
    }

    @Test
    public void aConnectingStepThatFailsFailsTheStartWithItsOwnErrorAndLeavesNothing() throws Exception {
        Path socketRoot = temp.newFolder("s5").toPath();
        List<ProcessHandle> plugins = new ArrayList<>();
        IllegalStateException stopping = new IllegalStateException("the bundle is stopping");
        ProcessStarter watched = new ProcessStarter(launcher, () -> channels, socketRoot,
                descriptor -> (level, message, fields) -> {
                });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> watched.start(descriptor(""),
                new InstanceStarter.Steps(() -> { }, () -> {
                    plugins.addAll(kvGoProcesses());
                    throw stopping;
                })));
        assertSame(stopping, e);
        assertEquals("the plugin ran when the step failed", 1, plugins.size());
        assertTrue("the process was killed", plugins.get(0).onExit().get(10, TimeUnit.SECONDS) != null
                && !plugins.get(0).isAlive());
        try (var left = Files.list(socketRoot)) {
            assertEquals("no socket folder is left", List.of(), left.toList());
        }
    }

    @Test
    public void channelsThatCannotBeMadeFailTheStartAndTheProcessGoes() throws Exception {
        ProcessStarter broken = new ProcessStarter(launcher, () -> {
            throw new IllegalStateException("no epoll here");
        }, temp.newFolder("s3").toPath(), descriptor -> (level, message, fields) -> {
        });
        PluginFileException e = assertThrows(PluginFileException.class, () -> broken.start(descriptor("")));
        Matcher pid = Pattern.compile("^kv\\.go \\(pid (\\d+)\\): cannot connect to .*: no epoll here$").matcher(e.getMessage());
        assertTrue(e.getMessage(), pid.matches());
        assertFalse("the process was killed", ProcessHandle.of(Long.parseLong(pid.group(1)))
                .map(ProcessHandle::isAlive).orElse(false));
    }
}
