package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.goplugin.internal.launch.ProcessExit;
import io.plugboard.goplugin.internal.wire.KvCallException;

/**
 * An in-memory go-plugin KV plugin for the state logic's tests: a real {@link InstanceStarter}
 * whose instances keep their values in one map shared by all instances (as the Go KV plugin keeps
 * them in files of its working directory), end when told to (a crash with an exit code and stderr
 * lines, a kill, a graceful stop), fail calls on request and answer health checks as set. No
 * process runs; the tests with real processes come with the launch and wire layers.
 */
final class FakePlugin implements InstanceStarter {

    /** What the next start does: fail with this message, or end at once with this exit. */
    private record Plan(PluginFileException failure, ProcessExit dieAtOnce) {
    }

    final Map<String, byte[]> store = new ConcurrentHashMap<>();
    final List<Instance> instances = new CopyOnWriteArrayList<>();
    /** The name of the thread each start ran on, in order. */
    final List<String> startThreads = new CopyOnWriteArrayList<>();
    /** Everything that happened, in order, shared with a {@link Published} when given: "start 1", "stop 1", ... */
    final List<String> events;
    private final Deque<Plan> plans = new ArrayDeque<>();
    private final AtomicLong pids = new AtomicLong(100);
    // Starts pass this gate; a test that closes it holds the next start until it opens it again.
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE / 2);
    private volatile ProcessExit dieAlways;
    private KvCallException nextInstanceFailure;

    FakePlugin() {
        this(new CopyOnWriteArrayList<>());
    }

    FakePlugin(List<String> events) {
        this.events = events;
    }

    /** The next start fails with the message. */
    synchronized void failNextStart(String message) {
        failNextStart(new PluginFileException(message));
    }

    /** The next start fails with the exception, e.g. a {@link StartFailedException} with stderr lines. */
    synchronized void failNextStart(PluginFileException failure) {
        plans.addLast(new Plan(failure, null));
    }

    /** The first call of the next instance started fails so. */
    synchronized void failFirstCallOfNextInstance(KvCallException.Kind kind, String message) {
        nextInstanceFailure = new KvCallException(kind, message, null);
    }

    /** Every start from now on gives an instance that ends at once with the exit. */
    void dieAtEveryStart(ProcessExit exit) {
        dieAlways = exit;
    }

    /** Holds every start until {@link #openGate}. */
    void closeGate() {
        gate.drainPermits();
    }

    void openGate() {
        gate.drainPermits();
        gate.release(Integer.MAX_VALUE / 2);
    }

    /** The instance started last. */
    Instance last() {
        return instances.get(instances.size() - 1);
    }

    @Override
    public PluginInstance start(Descriptor descriptor) throws PluginFileException {
        startThreads.add(Thread.currentThread().getName());
        try {
            if (!gate.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new PluginFileException("test gate stayed closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginFileException("interrupted");
        }
        // As ProcessStarter: the binary kept open, its hash checked only when pinned.
        StartedBinary binary;
        try {
            binary = StartedBinary.open(descriptor.command());
        } catch (IOException e) {
            throw new PluginFileException(descriptor.name() + ": cannot read " + descriptor.command(), e);
        }
        try {
            if (descriptor.sha256() != null) {
                descriptor.requireBinaryHash(binary.sha256());
            }
        } catch (IOException | PluginFileException e) {
            binary.close();
            throw e instanceof PluginFileException p ? p : new PluginFileException("cannot hash", e);
        }
        Plan plan;
        KvCallException firstCallFailure;
        synchronized (this) {
            plan = plans.pollFirst();
            firstCallFailure = nextInstanceFailure;
            nextInstanceFailure = null;
        }
        if (plan != null && plan.failure() != null) {
            binary.close();
            events.add("start failed");
            throw plan.failure();
        }
        Instance instance = new Instance(pids.incrementAndGet(), descriptor.version().toString(), binary);
        if (firstCallFailure != null) {
            instance.failures.addLast(firstCallFailure);
        }
        instances.add(instance);
        events.add("start " + instance.pid);
        ProcessExit die = plan != null && plan.dieAtOnce() != null ? plan.dieAtOnce() : dieAlways;
        if (die != null) {
            instance.end(die);
        }
        return instance;
    }

    /** Polls the condition until it holds, for at most 10 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    /** One instance; thread-safe. */
    final class Instance implements PluginInstance {

        final long pid;
        final String version;
        private final StartedBinary binary;
        private final Instant startedAt = Instant.now();
        private final CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        private final Deque<KvCallException> failures = new ArrayDeque<>();
        volatile boolean healthy = true;
        final AtomicInteger healthChecks = new AtomicInteger();
        final AtomicInteger failingHealthChecks = new AtomicInteger();
        volatile boolean stopped;
        volatile boolean released;
        final AtomicLong calls = new AtomicLong();

        Instance(long pid, String version, StartedBinary binary) {
            this.pid = pid;
            this.version = version;
            this.binary = binary;
        }

        /** The next call fails so. */
        synchronized void failNextCall(KvCallException.Kind kind, String message) {
            failures.addLast(new KvCallException(kind, message, null));
        }

        /** The process ends by itself. */
        void crash(int exitCode, String... stderr) {
            end(new ProcessExit(exitCode, null, List.of(stderr)));
        }

        void end(ProcessExit how) {
            exit.complete(how);
        }

        boolean ended() {
            return exit.isDone();
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public String protocol() {
            return "grpc, app protocol 1";
        }

        @Override
        public String address() {
            return "/tmp/pb1/plugin" + pid;
        }

        @Override
        public StartedBinary binary() {
            return binary;
        }

        @Override
        public CompletableFuture<ProcessExit> exit() {
            return exit;
        }

        @Override
        public List<String> lastStderrLines() {
            return exit.isDone() ? exit.join().lastStderrLines() : List.of();
        }

        @Override
        public boolean healthy(Duration deadline) {
            healthChecks.incrementAndGet();
            if (failingHealthChecks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return false;
            }
            return healthy && !exit.isDone();
        }

        private void call() throws KvCallException {
            calls.incrementAndGet();
            KvCallException failure;
            synchronized (this) {
                failure = failures.pollFirst();
            }
            if (failure != null) {
                throw failure;
            }
            if (exit.isDone()) {
                throw new KvCallException(KvCallException.Kind.UNAVAILABLE, "connection closed (pid " + pid + ")",
                        null);
            }
        }

        @Override
        public Optional<byte[]> get(String key, Duration deadline) throws KvCallException {
            call();
            return Optional.ofNullable(store.get(key)).map(byte[]::clone);
        }

        @Override
        public void put(String key, byte[] value, Duration deadline) throws KvCallException {
            call();
            store.put(key, value.clone());
        }

        @Override
        public void kill() {
            end(new ProcessExit(-1, "SIGKILL", List.of()));
        }

        @Override
        public boolean stop(Duration grace) {
            stopped = true;
            events.add("stop " + pid);
            end(new ProcessExit(0, null, List.of()));
            release();
            return true;
        }

        @Override
        public void release() {
            released = true;
            binary.close();
        }
    }

    /** A {@link Supervisor.Publication} that records what it is told, in a shared event list. */
    static final class Published implements Supervisor.Publication {

        final List<String> events;
        volatile Descriptor descriptor;
        /** The thread of the last publish. */
        volatile String publishThread;

        Published(List<String> events) {
            this.events = events;
        }

        @Override
        public void publish(Descriptor d) {
            publishThread = Thread.currentThread().getName();
            if (descriptor == null || !descriptor.version().equals(d.version())) {
                events.add("publish " + d.name() + " " + d.version());
            }
            descriptor = d;
        }

        @Override
        public void withdraw() {
            if (descriptor != null) {
                events.add("withdraw");
            }
            descriptor = null;
        }

        boolean published() {
            return descriptor != null;
        }
    }
}
