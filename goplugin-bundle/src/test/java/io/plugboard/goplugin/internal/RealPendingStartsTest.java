package io.plugboard.goplugin.internal;

import static io.plugboard.goplugin.internal.RealHost.await;
import static io.plugboard.goplugin.internal.RealHost.bin;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;

import io.plugboard.api.deploy.PluginFileException;

/**
 * A plugin whose start hangs (a program that never prints its handshake, with a long start
 * timeout) holds up neither the handler's stop nor the other plugins, and is cancelled at once,
 * its process killed, when its file is uninstalled or the handler stops.
 */
public class RealPendingStartsTest {

    /** A start timeout far beyond what any test waits: only a cancel ends the start in time. */
    private static final String START_TIMEOUT = "start-timeout-ms=60000";

    /** How long a cancel may take: the kill and reap of the process, on a loaded machine. */
    private static final long CANCEL_MILLIS = 5_000;

    @Rule
    public final RealHost host = new RealHost();

    /** The sleep processes of this JVM that wait with the marker as their argument. */
    private static List<ProcessHandle> sleeping(String marker) {
        try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
            return all.filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false))
                    .toList();
        }
    }

    /** Installs {@code /bin/sleep <marker>} as the plugin on a thread of its own; returns once the process runs. */
    private CompletableFuture<Void> startHanging(String name, String marker) throws Exception {
        Path file = host.descriptor(name, Path.of("/bin/sleep"), "args=" + marker, START_TIMEOUT);
        CompletableFuture<Void> install = CompletableFuture.runAsync(() -> {
            try {
                host.handler.install(file);
            } catch (PluginFileException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        await(name + "'s process runs", () -> !sleeping(marker).isEmpty());
        return install;
    }

    /** The message the install failed with, which must come within the cancel's time. */
    private static String failure(CompletableFuture<Void> install) throws Exception {
        try {
            install.get(CANCEL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (TimeoutException e) {
            fail("the install was not cancelled within " + CANCEL_MILLIS + " ms");
        }
        throw new AssertionError("the install succeeded");
    }

    @Test
    public void stoppingTheHandlerCancelsAStartUnderWayAndKillsItsProcess() throws Exception {
        CompletableFuture<Void> install = startHanging("slow", "987.101");

        long started = System.nanoTime();
        host.deactivate();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue("deactivate took " + tookMillis + " ms", tookMillis < CANCEL_MILLIS);
        assertEquals("slow: its start was cancelled: the go-plugin handler is stopping", failure(install));
        assertEquals(List.of(), sleeping("987.101"));
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().stream().anyMatch(l -> l.equals(
                "info: Cancelled the start of go-plugin slow from " + host.plugins.resolve("slow.goplugin")
                        + ": the go-plugin handler is stopping; its process was stopped")));
    }

    @Test
    public void aHangingStartHoldsUpNoOtherPlugin() throws Exception {
        CompletableFuture<Void> slow = startHanging("slow", "987.102");

        CompletableFuture<Void> ok = CompletableFuture.runAsync(() -> {
            try {
                host.install("kv.ok1", bin("kv-go"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ok.get(RealHost.WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertEquals("serving", host.describe("kv.ok1").get("state"));
        assertEquals("slow is still starting", 1, sleeping("987.102").size());
        host.deactivate();
        failure(slow);
    }

    @Test
    public void deletingAFileWhoseStartIsUnderWayCancelsThatStartAtOnce() throws Exception {
        CompletableFuture<Void> install = startHanging("slow", "987.103");
        Path file = host.plugins.resolve("slow.goplugin");

        Files.delete(file);
        long started = System.nanoTime();
        host.handler.uninstall(file);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue("uninstall took " + tookMillis + " ms", tookMillis < CANCEL_MILLIS);
        assertEquals("slow: its start was cancelled: its file slow.goplugin left the folder", failure(install));
        assertEquals(List.of(), sleeping("987.103"));
        assertEquals(List.of(), host.handler.installed());
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().contains(
                "info: Cancelled the start of go-plugin slow from " + file
                        + ": its file slow.goplugin left the folder; its process was stopped"));
    }

    @Test
    public void installingTheFileAgainCancelsItsStartUnderWay() throws Exception {
        CompletableFuture<Void> install = startHanging("slow", "987.104");

        host.install("slow", bin("kv-go"));

        assertEquals("slow: its start was cancelled: the file was installed again", failure(install));
        assertEquals(List.of(), sleeping("987.104"));
        assertEquals("serving", host.describe("slow").get("state"));
    }

    /** The watched folder cancels an install by interrupting it, when the file changed or left the folder. */
    @Test
    public void interruptingAnInstallCancelsItsStart() throws Exception {
        Path file = host.descriptor("slow", Path.of("/bin/sleep"), "args=987.105", START_TIMEOUT);
        CompletableFuture<String> failed = new CompletableFuture<>();
        Thread installing = new Thread(() -> {
            try {
                host.handler.install(file);
                failed.complete("installed");
            } catch (PluginFileException e) {
                failed.complete(e.getMessage() + (Thread.currentThread().isInterrupted() ? " (interrupted)" : ""));
            }
        });
        installing.start();
        await("slow's process runs", () -> !sleeping("987.105").isEmpty());
        Files.delete(file);

        installing.interrupt();

        assertEquals("slow: its start was cancelled: its file slow.goplugin left the folder (interrupted)",
                failed.get(CANCEL_MILLIS, TimeUnit.MILLISECONDS));
        assertEquals(List.of(), sleeping("987.105"));
        assertTrue(host.loggers.handlerLines().toString(), host.loggers.handlerLines().contains(
                "info: Cancelled the start of go-plugin slow from " + file
                        + ": its file slow.goplugin left the folder; its process was stopped"));
    }
}
