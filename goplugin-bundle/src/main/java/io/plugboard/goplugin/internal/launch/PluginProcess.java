package io.plugboard.goplugin.internal.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running plugin process whose handshake was read and checked; made by {@link PluginLauncher}. CONTRACT SKELETON: the launch
 * helper fills in the bodies; the signatures are what the rest of the bundle codes against.
 */
public final class PluginProcess {

    private PluginProcess() {
    }

    /** The checked handshake. */
    public Handshake handshake() {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** The process id. */
    public long pid() {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** When the process was started. */
    public Instant startedAt() {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Completes when the process has ended and its output is drained (socket file removed if left behind). */
    public CompletableFuture<ProcessExit> exit() {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** The last lines (at most 20) the process wrote to stderr, oldest first. */
    public List<String> lastStderrLines() {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Waits for the process to end by itself; true if it did within the time. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("contract skeleton");
    }

    /** Kills the process (SIGKILL) and waits for it; removes the socket file it leaves behind. */
    public ProcessExit kill() throws InterruptedException {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
