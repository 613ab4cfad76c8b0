package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.log.LogLevel;

/**
 * A running plugin process whose handshake was read and checked; made by {@link PluginLauncher}.
 * Its stdout and stderr are drained by two threads of its own for its whole life.
 */
public final class PluginProcess {

    /**
     * How long the end waits for the drains after the process is gone: a child the plugin left
     * behind may hold the pipes open, and the exit must not wait for it.
     */
    private static final long DRAIN_GRACE_MS = 2000;

    private final LaunchSpec spec;
    private final Process process;
    private final Instant startedAt;
    private final PluginOutput output;
    private final StderrLines stderr;
    private final CompletableFuture<String> firstLine = new CompletableFuture<>();
    private final CompletableFuture<Void> stdoutDrained = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();
    private final CompletableFuture<ProcessExit> exit;
    private volatile Handshake handshake;
    /** The Unix socket the first stdout line names; set by the stdout drain before the first line is handed on. */
    private volatile Path socket;

    PluginProcess(LaunchSpec spec, Process process, Instant startedAt, PluginOutput output) {
        this.spec = spec;
        this.process = process;
        this.startedAt = startedAt;
        this.output = output;
        this.stderr = new StderrLines(output);
        this.exit = process.onExit()
                .thenCompose(ended -> CompletableFuture.allOf(stdoutDrained, stderrDrained)
                        .completeOnTimeout(null, DRAIN_GRACE_MS, TimeUnit.MILLISECONDS))
                .thenApply(drained -> ended());
        closeQuietly(process.getOutputStream());
        drain("stdout", this::drainStdout);
        drain("stderr", this::drainStderr);
    }

    /** The checked handshake. */
    public Handshake handshake() {
        return handshake;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** When the process was started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** Completes when the process has ended and its output is drained (socket file removed if left behind). */
    public CompletableFuture<ProcessExit> exit() {
        return exit;
    }

    /** The last lines (at most 20) the process wrote to stderr, oldest first. */
    public List<String> lastStderrLines() {
        return stderr.lastLines();
    }

    /** Waits for the process to end by itself; true if it did within the time. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Kills the process (SIGKILL) and waits for it; removes the socket file it leaves behind. */
    public ProcessExit kill() throws InterruptedException {
        sigkill();
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The first stdout line, or null if stdout ended before one. */
    CompletableFuture<String> firstLine() {
        return firstLine;
    }

    /** Whether go-plugin's wrong-cookie notice was on stderr. */
    boolean sawCookieNotice() {
        return stderr.sawCookieNotice();
    }

    /** Records the checked handshake before the process is handed out. */
    void accepted(Handshake checked) {
        handshake = checked;
    }

    /** Waits up to the time for the process to end by itself. */
    boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** Kills the process and waits for its end even when interrupted (the flag is kept): a failed start leaves nothing behind. */
    ProcessExit killAndReap() {
        sigkill();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return exit.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends SIGKILL through the process handle: {@link Process#destroyForcibly()} would also close
     * the pipes, and the drains would lose what the plugin wrote last (often why it failed).
     */
    private void sigkill() {
        process.toHandle().destroyForcibly();
    }

    private void drain(String stream, Runnable body) {
        Thread thread = new Thread(body, "goplugin " + spec.pluginName() + " " + stream);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }

    private void drainStdout() {
        try (InputStream in = process.getInputStream()) {
            LineReader lines = new LineReader(in);
            String first = lines.readLine();
            if (first != null) {
                HandshakeLine.socketPath(first).ifPresent(path -> socket = path);
            }
            firstLine.complete(first);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                try {
                    output.line(LogLevel.INFO, line, Map.of());
                } catch (RuntimeException ignored) {
                    // The drain must go on whatever the receiver does, or the plugin blocks on a full pipe.
                }
            }
        } catch (IOException | UncheckedIOException closed) {
            // The pipe ended with the process.
        } finally {
            firstLine.complete(null);
            stdoutDrained.complete(null);
        }
    }

    private void drainStderr() {
        try (InputStream in = process.getErrorStream()) {
            LineReader lines = new LineReader(in);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                stderr.line(line);
            }
        } catch (IOException | UncheckedIOException closed) {
            // The pipe ended with the process.
        } finally {
            stderr.end();
            stderrDrained.complete(null);
        }
    }

    private ProcessExit ended() {
        removeSocket();
        return Signals.exit(process.exitValue(), stderr.lastLines());
    }

    /**
     * Removes the socket file a killed plugin leaves behind (go-plugin removes it only on a clean
     * stop). Only a file directly in the socket directory: the address comes from the plugin.
     */
    private void removeSocket() {
        Path path = socket;
        if (path == null) {
            return;
        }
        try {
            Path file = path.toAbsolutePath().normalize();
            Path dir = spec.socketDir().toAbsolutePath().normalize();
            if (dir.equals(file.getParent()) && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException ignored) {
            // Best effort: a stale socket file in a private directory harms nothing.
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // go-plugin plugins do not read stdin; closing it only gives them EOF.
        }
    }
}
