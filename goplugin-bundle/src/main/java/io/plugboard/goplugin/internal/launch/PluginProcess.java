package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
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
 * Its stdout and stderr come in as {@link ChildEvents} for its whole life, from two drain threads
 * of its own (a JVM-started process) or from the Go spawner's one reader thread.
 */
public final class PluginProcess {

    /**
     * How long the end waits for the drains after the process is gone: a child the plugin left
     * behind may hold the pipes open, and the exit must not wait for it.
     */
    private static final long DRAIN_GRACE_MS = 2000;

    private final LaunchSpec spec;
    private final PluginOutput output;
    private final StderrLines stderr;
    private final LineSplitter stdoutLines;
    private final LineSplitter stderrLines;
    private final StdioOutput stdio;
    private final CompletableFuture<String> firstLine = new CompletableFuture<>();
    private final CompletableFuture<Void> stdoutDrained = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();
    /** Java's exit value of the process (128 + n for signal n). */
    private final CompletableFuture<Integer> exitValue = new CompletableFuture<>();
    private final CompletableFuture<ProcessExit> exit;
    private volatile Child child;
    private volatile Instant startedAt;
    private volatile Handshake handshake;
    /** The Unix socket the first stdout line names; set by the stdout drain before the first line is handed on. */
    private volatile Path socket;
    /** Whether the first stdout line was seen; stdout's events come from one thread at a time. */
    private boolean afterFirstLine;

    /** A process about to be started: it takes events from now on; {@link #started} follows. */
    PluginProcess(LaunchSpec spec, PluginOutput output) {
        this.spec = spec;
        this.output = output;
        this.stderr = new StderrLines(output);
        this.stdoutLines = new LineSplitter(this::stdoutLine);
        this.stderrLines = new LineSplitter(stderr::line);
        this.stdio = new StreamedStdio();
        this.exit = exitValue
                .thenCompose(value -> CompletableFuture.allOf(stdoutDrained, stderrDrained)
                        .completeOnTimeout(null, DRAIN_GRACE_MS, TimeUnit.MILLISECONDS)
                        .thenApply(drained -> value))
                .thenApply(this::ended);
    }

    /** Where the starter delivers the process's output and end. */
    ChildEvents events() {
        return new ChildEvents() {
            @Override
            public void output(int stream, byte[] bytes, int offset, int length) {
                (stream == STDOUT ? stdoutLines : stderrLines).feed(bytes, offset, length);
            }

            @Override
            public void ended(int stream) {
                if (stream == STDOUT) {
                    stdoutLines.end();
                    firstLine.complete(null);
                    stdoutDrained.complete(null);
                } else {
                    stderrLines.end();
                    stderr.end();
                    stderrDrained.complete(null);
                }
            }

            @Override
            public void exited(int value) {
                exitValue.complete(value);
            }
        };
    }

    /**
     * Where the chunks of go-plugin's GRPCStdio stream go (go-plugin 1.4 and later send on it what
     * the plugin writes to {@code os.Stdout} and {@code os.Stderr} once it serves): in lines, as the
     * pipes' lines go, a stdout line at INFO, a stderr line at its hclog level (else WARN) and
     * among the last stderr lines.
     */
    public StdioOutput stdio() {
        return stdio;
    }

    /** Splits the stream's two channels into lines of their own: their chunks interleave. */
    private final class StreamedStdio implements StdioOutput {

        private final LineSplitter out = new LineSplitter(PluginProcess.this::stdoutLineAfterHandshake);
        private final LineSplitter err = new LineSplitter(stderr::streamedLine);

        @Override
        public void stdout(byte[] chunk) {
            out.feed(chunk, 0, chunk.length);
        }

        @Override
        public void stderr(byte[] chunk) {
            err.feed(chunk, 0, chunk.length);
        }

        @Override
        public void ended() {
            out.end();
            err.end();
        }
    }

    /** Records the started child. */
    void started(Child started, Instant at) {
        this.child = started;
        this.startedAt = at;
    }

    /** The checked handshake. */
    public Handshake handshake() {
        return handshake;
    }

    /** The process id. */
    public long pid() {
        return child.pid();
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
        try {
            exitValue.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
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

    /** Sends SIGKILL; the pipes stay open, so what the plugin wrote last (often why it failed) is still read. */
    private void sigkill() {
        child.kill();
    }

    private void stdoutLine(String line) {
        if (!afterFirstLine) {
            afterFirstLine = true;
            HandshakeLine.socketPath(line).ifPresent(path -> socket = path);
            firstLine.complete(line);
            return;
        }
        stdoutLineAfterHandshake(line);
    }

    private void stdoutLineAfterHandshake(String line) {
        try {
            output.line(LogLevel.INFO, line, Map.of());
        } catch (RuntimeException ignored) {
            // The drain must go on whatever the receiver does, or the plugin blocks on a full pipe.
        }
    }

    private ProcessExit ended(int value) {
        removeSocket();
        return Signals.exit(value, stderr.lastLines());
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
}
