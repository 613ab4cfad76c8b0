package io.plugboard.goplugin.internal.launch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts children through plugboard-spawner (go-plugins/src/plugboard.io/cmd/plugboard-spawner), a
 * static Go helper started once, which forks each plugin with a parent-death signal from one locked
 * OS thread: several milliseconds less per start than jspawnhelper plus setpriv. One reader thread
 * takes every child's output and end from the spawner's stdout (frames, see the Go side's
 * protocol.go) and hands them to each child's {@link ChildEvents}.
 *
 * <p>No orphans: the spawner is forked by the launcher's long-lived {@link Spawner} thread, arms
 * its own parent-death SIGKILL and exits when its parent is already not this JVM; its plugins
 * carry a parent-death SIGKILL tied to its forking thread. So a JVM killed by SIGKILL takes the
 * spawner and with it every plugin along. {@link #close()} closes the spawner's stdin: it SIGKILLs
 * its plugins, reports their ends and exits.
 */
final class GoSpawner implements ChildStarter {

    /** How long the spawner may take to report that it is ready. */
    private static final long READY_TIMEOUT_MS = 10_000;

    /**
     * How long a start waits for the spawner's answer (it forks at once): a spawner that does not
     * answer by then (stopped with SIGSTOP, hung) is killed, as broken, and the next start runs a new one.
     */
    static final long PID_TIMEOUT_MS = 10_000;

    /** How long close waits for the spawner to kill and reap its plugins and exit (it waits 2 s at most). */
    private static final long CLOSE_WAIT_MS = 5_000;

    private static final int REQ_START = 1;
    private static final int REQ_SIGNAL = 2;

    private static final int READY = 1;
    private static final int FATAL = 2;
    private static final int STARTED = 3;
    private static final int FAILED = 4;
    private static final int STDOUT = 5;
    private static final int STDERR = 6;
    private static final int STDOUT_END = 7;
    private static final int STDERR_END = 8;
    private static final int EXIT = 9;

    private static final int SIGKILL = 9;

    /** One child as the reader sees it; touched by the reader thread only, after it was registered. */
    private static final class Entry {
        final ChildEvents events;
        final CompletableFuture<Long> pid = new CompletableFuture<>();
        boolean stdoutEnded;
        boolean stderrEnded;
        boolean exited;

        Entry(ChildEvents events) {
            this.events = events;
        }

        boolean done() {
            return stdoutEnded && stderrEnded && exited;
        }
    }

    private final Process process;
    private final DataOutputStream requests;
    private final Thread reader;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Map<Integer, Entry> children = new ConcurrentHashMap<>();
    /**
     * Guards the requests stream and nextId. Never held by the reader: a write may block until the
     * spawner reads, and the spawner may wait for the reader to take its output first.
     */
    private final Object writing = new Object();
    private int nextId;
    private volatile boolean closed;
    /** Set by the reader once the spawner's stdout ended, before it ends the children it knew. */
    private volatile boolean gone;

    private final long pidTimeoutMillis;

    private GoSpawner(Process process, long pidTimeoutMillis) {
        this.process = process;
        this.pidTimeoutMillis = pidTimeoutMillis;
        this.requests = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 8192));
        this.reader = new Thread(this::read, "goplugin spawner reader");
        reader.setDaemon(true);
        // The thread outlives many calls; it must not pin whichever class loader created it.
        reader.setContextClassLoader(null);
        reader.start();
    }

    /**
     * Starts the spawner binary on the forking thread and waits until it reports that it armed its
     * parent-death signal.
     *
     * @throws IOException why it cannot work: it cannot be executed, reported a fatal error or ended
     */
    static GoSpawner start(Path binary, Spawner forker) throws IOException {
        return start(binary, forker, PID_TIMEOUT_MS);
    }

    /** As {@link #start(Path, Spawner)}, with another wait for each start's answer (for tests). */
    static GoSpawner start(Path binary, Spawner forker, long pidTimeoutMillis) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), String.valueOf(ProcessHandle.current().pid()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        GoSpawner spawner = new GoSpawner(forker.spawn(builder), pidTimeoutMillis);
        try {
            spawner.ready.get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return spawner;
        } catch (ExecutionException e) {
            spawner.close();
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            spawner.close();
            throw new IOException(binary + " did not report ready within " + READY_TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            spawner.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + binary, e);
        }
    }

    /** The spawner's own process id. */
    long pid() {
        return process.pid();
    }

    @Override
    public Child start(ChildCommand command, ChildEvents events) throws IOException {
        Entry entry = new Entry(events);
        byte[] payload = startPayload(command);
        int id;
        synchronized (writing) {
            if (closed) {
                throw new IllegalStateException("the plugin launcher is closed");
            }
            id = ++nextId;
            children.put(id, entry);
            // Checked after the entry is in: either the reader ends it, or this sees gone.
            if (gone) {
                children.remove(id);
                throw new IOException("the spawner process ended");
            }
            try {
                send(REQ_START, id, payload);
            } catch (IOException e) {
                children.remove(id);
                throw new IOException("cannot reach the spawner process: " + e.getMessage(), e);
            }
        }
        long pid = awaitPid(entry, command);
        int childId = id;
        return new Child() {
            @Override
            public long pid() {
                return pid;
            }

            @Override
            public void kill() {
                signal(childId, SIGKILL);
            }
        };
    }

    @Override
    public boolean usable() {
        return !closed && !gone;
    }

    /** Closes the spawner's stdin, so that it kills its plugins and exits; waits (bounded) for it and the reader. */
    @Override
    public void close() {
        synchronized (writing) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                requests.close();
            } catch (IOException ignored) {
                // It is gone already.
            }
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (true) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    // Its plugins still carry the parent-death signal: they go with it.
                    process.destroyForcibly();
                }
                reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the spawner's answer even when interrupted (the flag is kept), so no process goes
     * unowned, but at most {@link #pidTimeoutMillis}: a spawner that does not answer by then is
     * killed (its plugins die with it, by their parent-death signal) and no longer {@link #usable}.
     */
    private long awaitPid(Entry entry, ChildCommand command) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pidTimeoutMillis);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return entry.pid.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    gone = true;
                    process.destroyForcibly();
                    throw new IOException("plugboard-spawner (pid " + process.pid() + ") did not answer within "
                            + pidTimeoutMillis + " ms (stopped or hung); it was killed, with the plugins it ran,"
                            + " and the next start runs a new one");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof FailedStart failed) {
                        // The form setpriv uses, so a message reads the same on either path.
                        throw new IOException("failed to execute " + command.argv().get(0) + ": "
                                + capitalized(failed.getMessage()));
                    }
                    throw new IOException(cause.getMessage(), cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void signal(int id, int signal) {
        synchronized (writing) {
            if (closed || gone) {
                return; // its plugins are killed already
            }
            try {
                send(REQ_SIGNAL, id, new byte[] {0, 0, 0, (byte) signal});
            } catch (IOException ignored) {
                // The spawner is gone, and its plugins with it (parent-death signal).
            }
        }
    }

    private void send(int kind, int id, byte[] payload) throws IOException {
        requests.writeInt(5 + payload.length);
        requests.writeByte(kind);
        requests.writeInt(id);
        requests.write(payload);
        requests.flush();
    }

    private static byte[] startPayload(ChildCommand command) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        DataOutputStream out = new DataOutputStream(bytes);
        writeString(out, command.dir().toString());
        out.writeInt(command.argv().size());
        for (String arg : command.argv()) {
            writeString(out, arg);
        }
        out.writeInt(command.env().size());
        for (Map.Entry<String, String> variable : command.env().entrySet()) {
            writeString(out, variable.getKey() + "=" + variable.getValue());
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** The reader thread: every frame from the spawner, until its stdout ends. */
    private void read() {
        byte[] payload = new byte[64 * 1024];
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 64 * 1024))) {
            while (true) {
                int length = in.readInt() - 5;
                int kind = in.readUnsignedByte();
                int id = in.readInt();
                if (length < 0) {
                    throw new IOException("bad frame length " + (length + 5));
                }
                if (length > payload.length) {
                    payload = new byte[length];
                }
                in.readFully(payload, 0, length);
                try {
                    dispatch(kind, id, payload, length);
                } catch (RuntimeException e) {
                    // One receiver's failure must not stop the output of all the others.
                }
            }
        } catch (EOFException end) {
            // The spawner exited.
        } catch (IOException | RuntimeException e) {
            // A broken stream: the spawner is no use any more; it dies with its stdin closed below.
            process.destroyForcibly();
        } finally {
            ended();
        }
    }

    private void dispatch(int kind, int id, byte[] payload, int length) {
        switch (kind) {
            case READY -> ready.complete(null);
            case FATAL -> ready.completeExceptionally(new IOException("the spawner refused to work: "
                    + string(payload, 0)));
            case STARTED -> {
                Entry entry = children.get(id);
                if (entry != null) {
                    entry.pid.complete(Integer.toUnsignedLong(intAt(payload, 0)));
                }
            }
            case FAILED -> {
                Entry entry = children.remove(id);
                if (entry != null) {
                    entry.pid.completeExceptionally(new FailedStart(string(payload, 0)));
                }
            }
            case STDOUT, STDERR -> {
                Entry entry = entry(id);
                if (entry != null) {
                    entry.events.output(kind == STDOUT ? ChildEvents.STDOUT : ChildEvents.STDERR, payload, 0, length);
                }
            }
            case STDOUT_END, STDERR_END -> {
                Entry entry = entry(id);
                if (entry != null) {
                    if (kind == STDOUT_END) {
                        entry.stdoutEnded = true;
                    } else {
                        entry.stderrEnded = true;
                    }
                    entry.events.ended(kind == STDOUT_END ? ChildEvents.STDOUT : ChildEvents.STDERR);
                    forgetIfDone(id, entry);
                }
            }
            case EXIT -> {
                Entry entry = entry(id);
                if (entry != null) {
                    int code = intAt(payload, 0);
                    int signal = intAt(payload, 4);
                    entry.exited = true;
                    entry.events.exited(signal != 0 ? 128 + signal : code);
                    forgetIfDone(id, entry);
                }
            }
            default -> {
                // A frame this side does not know: skipped.
            }
        }
    }

    /** The spawner's stdout ended: its plugins are dead (killed by it, or by their parent-death signal). */
    private void ended() {
        gone = true;
        List<Entry> left = new ArrayList<>();
        for (Integer id : List.copyOf(children.keySet())) {
            Entry entry = children.remove(id);
            if (entry != null) {
                left.add(entry);
            }
        }
        String exit = exitOf(process);
        ready.completeExceptionally(new IOException("the spawner exited at once" + exit));
        for (Entry entry : left) {
            if (entry.pid.completeExceptionally(new IOException("the spawner process ended" + exit))) {
                continue;
            }
            if (!entry.stdoutEnded) {
                entry.events.ended(ChildEvents.STDOUT);
            }
            if (!entry.stderrEnded) {
                entry.events.ended(ChildEvents.STDERR);
            }
            if (!entry.exited) {
                entry.events.exited(128 + SIGKILL);
            }
        }
    }

    private static String exitOf(Process process) {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return " (exit value " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private Entry entry(int id) {
        return children.get(id);
    }

    private void forgetIfDone(int id, Entry entry) {
        if (entry.done()) {
            children.remove(id);
        }
    }

    private static int intAt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | bytes[at + 3] & 0xff;
    }

    private static String string(byte[] bytes, int at) {
        return new String(bytes, at + 4, intAt(bytes, at), StandardCharsets.UTF_8);
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }

    /** The spawner's answer that a program could not be executed: the system's text. */
    private static final class FailedStart extends Exception {
        private static final long serialVersionUID = 1L;

        FailedStart(String message) {
            super(message, null, false, false);
        }
    }
}
