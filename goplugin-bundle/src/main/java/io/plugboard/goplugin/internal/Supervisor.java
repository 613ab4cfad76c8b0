package io.plugboard.goplugin.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.osgi.service.log.Logger;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.kv.KeyValueStoreException;
import io.plugboard.goplugin.internal.launch.ProcessExit;

/**
 * Keeps one plugin running: starts it, watches its process and its health, restarts it after a
 * crash (with the {@link RestartPolicy}), replaces it when its descriptor or binary changes, and
 * stops it. The plugin's service stays published from the first start to the stop, across
 * restarts, so callers wait for the next instance instead of failing; only a plugin that failed
 * for good (or ended cleanly and is not restarted) is withdrawn, so the registry can pick another.
 *
 * <p>The binary is looked at every second ({@link BinaryWatch}); when it was replaced by one with
 * another SHA-256, the plugin is replaced as by {@link #replace} with the same descriptor, which
 * also brings back a plugin that failed (a fixed binary is the usual cure). "Another" depends on
 * the state, as {@link BinaryWatch} words the rule: while an instance serves, another than that
 * instance's, so that a serving instance is never replaced by its own bytes; once none serves
 * (restarting, failed, or stopped by itself), another than the version last looked at on disk,
 * as the restarts since started whatever was there: a broken binary that made the plugin give up,
 * then the good one put back, is a change and brings the plugin back, though the good one has the
 * hash of the instance that served last. The binary is watched from the first instance's watch to
 * the stop, through failures, for that.
 *
 * <p><b>Threads.</b> Every change of state happens on the supervisor's one thread
 * ({@code plugboard-goplugin-<name>-supervisor}, a daemon that ends with {@link #stop}): the swap-in
 * of the first instance, restarts, health checks, binary polls, process ends (handed over from the
 * launch layer's thread) and stops run one after the other there, so they need no locking among
 * themselves. Callers ({@link #start}, {@link #replace}, {@link #stop}) hand their work to that
 * thread and wait for it. Only the first instance is started and swapped in on the caller of
 * {@link #start}: nothing can run on the supervisor's thread before the swap-in hands it work (calls
 * on the service published meanwhile only wait, and the handler calls nothing else first), and the caller is
 * running already, where a thread made for the start would first have to be scheduled on a busy
 * machine. The caller then hands the watching of that instance (health and binary tasks, its
 * process end) to the thread; it touches nothing the thread owns.
 * What calls read ({@link #awaitServing}, {@link #status}) is guarded by a lock, whose condition
 * wakes waiting calls at every change.
 */
final class Supervisor {

    /** Where the plugin is. */
    enum State {
        /**
         * The first start is under way; the service is published once the plugin's handshake
         * was accepted, and calls wait until it serves.
         */
        STARTING,
        /** An instance serves. */
        SERVING,
        /** The instance ended; the next one starts after the backoff. Calls wait. */
        RESTARTING,
        /** Ended for good (budget spent, or restart never); the service is withdrawn. */
        FAILED,
        /** Stopped, or ended cleanly without a restart; the service is withdrawn. */
        STOPPED
    }

    /** Publishes and withdraws the plugin's service; called on the supervisor's thread only. */
    interface Publication {

        /** Publishes the service with the descriptor's properties, or updates them; idempotent. */
        void publish(Descriptor descriptor);

        /** Withdraws the service; idempotent. */
        void withdraw();
    }

    /**
     * The supervisor's fixed numbers.
     *
     * @param limits the backoff and restart budget
     * @param stopGrace how long a stopping plugin may take to exit after Shutdown before it is killed
     * @param binaryPoll the time between looks at the binary
     * @param healthMisses how many failed health checks in a row get the process killed
     */
    record Settings(RestartPolicy.Limits limits, Duration stopGrace, Duration binaryPoll, int healthMisses) {

        /** The defaults: {@link RestartPolicy.Limits#DEFAULT}, 2 s grace, a look at the binary every second, 2 misses. */
        static final Settings DEFAULT = new Settings(RestartPolicy.Limits.DEFAULT, Duration.ofSeconds(2),
                Duration.ofSeconds(1), 2);
    }

    /**
     * What {@code describe} shows.
     *
     * @param state the state
     * @param descriptor the descriptor in force
     * @param instance the serving instance, or null
     * @param restarts how many restarts were attempted since the plugin was installed
     * @param lastExit how the last instance ended, with its telling stderr line, or null
     * @param reason why it is FAILED or STOPPED by itself, or null
     * @param healthMisses the serving instance's failed health checks in a row (0 when it is healthy)
     * @param healthMissLimit how many in a row get it killed
     */
    record Status(State state, Descriptor descriptor, PluginInstance instance, int restarts, String lastExit,
            String reason, int healthMisses, int healthMissLimit) {

        /** A status with no failed health check. */
        Status(State state, Descriptor descriptor, PluginInstance instance, int restarts, String lastExit,
                String reason) {
            this(state, descriptor, instance, restarts, lastExit, reason, 0, 0);
        }
    }

    /** Work handed to the supervisor's thread by a caller, which waits for it. */
    @FunctionalInterface
    private interface Task {
        void run() throws PluginFileException;
    }

    private final String name;
    private final InstanceStarter starter;
    private final Publication publication;
    private final Logger logger;
    private final Settings settings;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    // Guarded by lock; written on the supervisor's thread only, read by calls.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Descriptor descriptor;
    private PluginInstance current;
    private State state = State.STARTING;
    private String lastExit;
    private String reason;
    private int restarts;

    // Confined to the supervisor's thread.
    private RestartPolicy policy;
    private ScheduledFuture<?> restartTask;
    private ScheduledFuture<?> healthTask;
    private ScheduledFuture<?> binaryTask;
    private BinaryWatch binaryWatch;
    // Written by the supervisor's thread, read by status() for plugin:list: a frozen plugin shows as
    // unhealthy from its first failed check on, not as serving until it is killed.
    private volatile int healthMisses;
    private PluginInstance killedForLiveness;
    private boolean stopped;

    /**
     * Creates the supervisor of the plugin the descriptor describes; {@link #start} starts it.
     *
     * @param publications makes the publication of the plugin's service, which calls this supervisor
     *        (called once, here; the service must not be called before {@link #start})
     */
    Supervisor(Descriptor descriptor, InstanceStarter starter, Function<Supervisor, Publication> publications,
            Logger logger, Settings settings) {
        this.name = descriptor.name();
        this.descriptor = descriptor;
        this.starter = starter;
        this.publication = publications.apply(this);
        this.logger = logger;
        this.settings = settings;
        this.policy = new RestartPolicy(descriptor.restart(), settings.limits());
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "plugboard-goplugin-" + name + "-supervisor");
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** The plugin's name. */
    String name() {
        return name;
    }

    /** The descriptor in force: the one of the serving instance, or the last one given. */
    Descriptor descriptor() {
        lock.lock();
        try {
            return descriptor;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the first instance and publishes the service; returns once it serves.
     *
     * @throws PluginFileException why it did not start; the supervisor is stopped then (its thread ended)
     */
    void start() throws PluginFileException {
        try {
            // The supervisor's thread is made while the process starts, so that it is up and waiting
            // by the time the instance serves: Thread.start waits until the new thread has run, which
            // on a busy machine took a millisecond and more when done before the start.
            // The service is published while the plugin's connection comes up and answers its
            // readiness check: registering it (OSGi and SCR tell every listener at once) took
            // most of a millisecond, which otherwise came after the check. Calls made before the
            // plugin serves wait, as during a restart; a start that fails after its handshake
            // withdraws the service again (below).
            Descriptor starting = descriptor();
            PluginInstance first = starter.start(starting, new InstanceStarter.Steps(
                    executor::prestartCoreThread, () -> publication.publish(starting)));
            try {
                // On the caller as well, for the reason the class comment gives: a hand-over to
                // the supervisor's thread and back cost two thread switches on every install. The
                // watching is not needed before the first call, so the thread sets it up meanwhile.
                serve(first);
                post(() -> {
                    // Said here, not on the caller: formatting the line (Felix Log formats before
                    // it checks the level) took about 0.1 ms of the start.
                    logger.info("Started go-plugin {} {} (pid {}, {}, socket {})", name, starting.version(),
                            first.pid(), first.protocol(), first.address());
                    if (!stopped) {
                        watch(first);
                    }
                });
            } catch (RuntimeException e) {
                // The publication failed (the bundle is stopping): undo whatever of the swap-in ran.
                post(() -> {
                    PluginInstance swapped = current();
                    stopNow();
                    if (swapped != first) {
                        first.kill();
                        first.release();
                    }
                });
                throw e;
            }
        } catch (PluginFileException | RuntimeException e) {
            try {
                publication.withdraw();
            } catch (RuntimeException withdrawing) {
                e.addSuppressed(withdrawing);
            }
            lock.lock();
            try {
                state = State.STOPPED;
                reason = "did not start: " + e.getMessage();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            endThread();
            throw e;
        }
    }

    /**
     * Replaces the running instance with one started from the descriptor (and the binary as it is
     * now): the new one starts while the old one serves, calls move over when it serves, then the
     * old one is stopped. Also brings a failed or stopped-by-itself plugin back.
     *
     * @throws PluginFileException why the new instance did not start; the old one keeps serving
     */
    void replace(Descriptor next) throws PluginFileException {
        if (!next.name().equals(name)) {
            throw new IllegalArgumentException(next + " is not " + name);
        }
        onThread(() -> replaceWith(next));
    }

    /** Begins {@link #stop} without waiting, so that several plugins stop at the same time. */
    void requestStop() {
        try {
            executor.execute(this::stopNow);
        } catch (RejectedExecutionException e) {
            // Stopped before.
        }
    }

    /**
     * Withdraws the service, then stops the instance (Shutdown, up to the grace period, else kill)
     * and ends the supervisor's thread. Returns once done; stopping twice does nothing.
     */
    void stop() {
        if (Thread.currentThread() == thread) {
            stopNow();
            return;
        }
        try {
            Future<?> done = executor.submit(this::stopNow);
            Descriptor d = descriptor();
            // A start under way finishes first (bounded by its start timeout), then the stop's grace and kill.
            long waitMillis = d.startTimeout().plus(d.callTimeout()).plus(settings.stopGrace()).toMillis() + 10_000;
            done.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // stopped before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            logger.error("Stopping go-plugin {} did not complete: {}", name, e.toString());
        }
        endThread();
    }

    /** The state for {@code describe}. */
    Status status() {
        lock.lock();
        try {
            return new Status(state, descriptor, current, restarts, lastExit, reason,
                    state == State.SERVING ? healthMisses : 0, settings.healthMisses());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the serving instance, waiting up to the timeout while the plugin starts or restarts.
     *
     * @param failed an instance a call just failed on for want of a connection: wait for another
     *        one (or for the supervisor to notice that it ended); null for any
     * @throws KeyValueStoreException naming the plugin and why there is no instance: failed,
     *         stopped, or still restarting (with its last exit) when the time is up
     */
    PluginInstance awaitServing(PluginInstance failed, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (state == State.SERVING && current != null && current != failed) {
                    return current;
                }
                if (state == State.FAILED) {
                    throw new KeyValueStoreException(name + " failed: " + reason);
                }
                if (state == State.STOPPED) {
                    throw new KeyValueStoreException(name + " is stopped" + (reason == null ? "" : ": " + reason));
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new KeyValueStoreException(notBackInTime(timeout));
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyValueStoreException("Interrupted while waiting for " + name + " to serve", e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether calls are waiting for an instance now (for tests and diagnostics). */
    boolean hasWaitingCalls() {
        lock.lock();
        try {
            return lock.hasWaiters(changed);
        } finally {
            lock.unlock();
        }
    }

    /** Why a wait ran out, by state; called under the lock. */
    private String notBackInTime(Duration timeout) {
        String within = " within " + timeout.toMillis() + " ms";
        return switch (state) {
            case RESTARTING -> name + " is restarting after " + lastExit + " and did not come back" + within;
            case STARTING -> name + " is starting and did not serve" + within;
            // SERVING with the failed instance still current: its end has not been seen yet.
            default -> name + " lost its connection and did not serve again" + within;
        };
    }

    // ---- on the supervisor's thread ----

    /** Runs the task on the supervisor's thread (at once when already there) and waits for it. */
    private void onThread(Task task) throws PluginFileException {
        if (Thread.currentThread() == thread) {
            task.run();
            return;
        }
        Future<?> done;
        try {
            done = executor.submit(() -> {
                task.run();
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new PluginFileException(name + " is stopped");
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            // The caller's install was cancelled: so is the start under way on the thread (its
            // process is killed); the thread's pool clears the interrupt before its next task.
            done.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginFileException("Interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PluginFileException cause) {
                throw cause;
            }
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new CompletionException(e.getCause());
        }
    }

    /** Runs work on the supervisor's thread later; dropped once it has ended. */
    private void post(Runnable work) {
        try {
            executor.execute(guarded(work));
        } catch (RejectedExecutionException e) {
            // Stopped: nothing to handle any more.
        }
    }

    /** The work, logging what it throws, so a periodic task goes on and nothing is lost silently. */
    private Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                logger.error("go-plugin {}: supervision failed: {}", name, e.toString(), e);
            }
        };
    }

    private void replaceWith(Descriptor next) throws PluginFileException {
        if (stopped) {
            throw new PluginFileException(name + " is stopped");
        }
        PluginInstance fresh = starter.start(next); // the old instance serves meanwhile
        PluginInstance old = current();
        cancel(restartTask);
        restartTask = null;
        policy = new RestartPolicy(next.restart(), settings.limits());
        lock.lock();
        try {
            descriptor = next;
        } finally {
            lock.unlock();
        }
        swapIn(fresh);
        // No hash here: the binary is hashed at a start only when the descriptor pins one; a
        // changed binary's hash was logged when the change was seen.
        logger.info("Replaced go-plugin {} with {} (pid {}, {})", name, next, fresh.pid(), fresh.protocol());
        if (old != null) {
            // After the swap: calls already go to the new instance; a call still on the old one
            // gets UNAVAILABLE and is retried on the new one.
            post(() -> stopInstance(old));
        }
    }

    /** Makes the instance the serving one and watches it. */
    private void swapIn(PluginInstance instance) {
        serve(instance);
        watch(instance);
    }

    /**
     * Makes the instance the serving one and publishes the service; touches only what the lock
     * guards, so the first instance's caller may run it.
     */
    private void serve(PluginInstance instance) {
        lock.lock();
        try {
            current = instance;
            state = State.SERVING;
            reason = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        publication.publish(descriptor());
    }

    /** Watches the serving instance: its health, its binary and the end of its process. */
    private void watch(PluginInstance instance) {
        healthMisses = 0;
        Duration interval = descriptor().healthInterval();
        cancel(healthTask);
        healthTask = executor.scheduleWithFixedDelay(guarded(this::checkHealth), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        binaryWatch = new BinaryWatch(instance.binary());
        if (binaryTask == null) {
            long poll = settings.binaryPoll().toMillis();
            binaryTask = executor.scheduleWithFixedDelay(guarded(this::checkBinary), poll, poll, TimeUnit.MILLISECONDS);
        }
        instance.exit().whenComplete((exit, error) -> post(() -> ended(instance, exit, error)));
    }

    /** The instance's process ended: restart it, or give up, as the policy says. */
    private void ended(PluginInstance instance, ProcessExit exit, Throwable error) {
        if (instance != current()) {
            return; // replaced or stopped: its end was asked for
        }
        ProcessExit end = exit != null ? exit : new ProcessExit(-1, null, instance.lastStderrLines());
        boolean liveness = instance == killedForLiveness;
        killedForLiveness = null;
        String what = (exit == null ? "an unknown end (" + error + ")" : end.describe())
                + (liveness ? " after " + settings.healthMisses() + " failed health checks" : "");
        boolean failure = liveness || exit == null || end.signal() != null || end.exitCode() != 0;
        Duration ran = Duration.between(instance.startedAt(), Instant.now());
        instance.release();
        cancel(healthTask);
        healthTask = null;
        lock.lock();
        try {
            current = null;
            lastExit = Endings.withStderr(what, end.lastStderrLines());
            // Calls wait from here on, until the decision below says whether to.
            state = State.RESTARTING;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        decide(policy.onEnd(failure, ran, Instant.now(), what), end.lastStderrLines());
    }

    /**
     * Acts on the policy's decision about an end, given in words without its stderr ({@code what});
     * {@code stderr} is that end's last stderr lines. They are said once each: {@code describe}'s
     * reason (and a call's error) gets the telling line appended, as {@code last exit} has it,
     * while the ERROR line of a failed plugin gets the plain reason and then all the lines.
     */
    private void decide(RestartPolicy.Decision decision, List<String> stderr) {
        if (decision instanceof RestartPolicy.Restart restart) {
            logger.warn("go-plugin {} ended: {}; restarting in {} (restart {} of at most {} in {})", name, lastExit(),
                    Durations.words(restart.delay()), restart.restartsInWindow(), settings.limits().maxRestarts(),
                    Durations.words(settings.limits().window()));
            restartTask = executor.schedule(guarded(this::restart), restart.delay().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        boolean failed = decision instanceof RestartPolicy.GiveUp;
        String plain = failed ? ((RestartPolicy.GiveUp) decision).reason() : ((RestartPolicy.Done) decision).reason();
        String why = Endings.withStderr(plain, stderr);
        publication.withdraw();
        // Logged before the state changes, so that whoever sees the state finds the reason in the log.
        if (failed) {
            logger.error("go-plugin {} failed: {}; its {} service is unregistered. Last stderr lines:{}", name, plain,
                    descriptor().type(), stderr.isEmpty() ? " none" : "\n  " + String.join("\n  ", stderr));
        } else {
            logger.warn("go-plugin {} {}; its {} service is unregistered", name, why, descriptor().type());
        }
        lock.lock();
        try {
            state = failed ? State.FAILED : State.STOPPED;
            reason = why;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void restart() {
        restartTask = null;
        if (state() != State.RESTARTING) {
            return;
        }
        lock.lock();
        try {
            restarts++;
        } finally {
            lock.unlock();
        }
        try {
            PluginInstance fresh = starter.start(descriptor());
            swapIn(fresh);
            logger.info("Restarted go-plugin {} (pid {})", name, fresh.pid());
        } catch (PluginFileException e) {
            // Worded as a crash is: the one-line summary, and the failed process's stderr apart
            // (the message has them after the summary, which would put them into the reason).
            String what = "start failed: " + StartFailedException.summary(e);
            List<String> stderr = StartFailedException.lastStderrLines(e);
            lock.lock();
            try {
                lastExit = Endings.withStderr(what, stderr);
            } finally {
                lock.unlock();
            }
            decide(policy.onEnd(true, Duration.ZERO, Instant.now(), what), stderr);
        }
    }

    private void checkHealth() {
        PluginInstance instance = current();
        if (instance == null || state() != State.SERVING || instance.exit().isDone()) {
            return;
        }
        if (instance.healthy(descriptor().callTimeout())) {
            if (healthMisses > 0) {
                logger.info("go-plugin {} (pid {}) passed a health check again, after {} failed", name, instance.pid(),
                        healthMisses);
            }
            healthMisses = 0;
            return;
        }
        healthMisses++;
        if (healthMisses < settings.healthMisses()) {
            logger.warn("go-plugin {} (pid {}) failed a health check ({} of {} in a row)", name, instance.pid(),
                    healthMisses, settings.healthMisses());
            return;
        }
        logger.error("go-plugin {} (pid {}) failed {} health checks in a row; killing it", name, instance.pid(),
                healthMisses);
        killedForLiveness = instance;
        healthMisses = 0;
        instance.kill(); // its end arrives through exit(), as a crash
    }

    private void checkBinary() {
        if (binaryWatch == null || stopped) {
            return;
        }
        State now = state();
        boolean serving = now == State.SERVING;
        Optional<String> changedTo = binaryWatch.poll(serving);
        if (changedTo.isEmpty()) {
            return;
        }
        logger.info("go-plugin {}: {} changed (sha256 {}); {}", name, descriptor().command(),
                shortHash(changedTo.get()), serving ? "replacing the running instance" : "starting it, as it is "
                        + now.name().toLowerCase(Locale.ROOT));
        try {
            replaceWith(descriptor());
        } catch (PluginFileException | RuntimeException e) {
            // Not serving, a restart already scheduled goes on; a failed plugin waits for the next change.
            logger.error("go-plugin {}: the changed binary did not start, {}: {}", name, serving
                    ? "the running instance goes on" : "it stays " + now.name().toLowerCase(Locale.ROOT),
                    e.getMessage());
        }
    }

    private void stopNow() {
        if (stopped) {
            return;
        }
        stopped = true;
        publication.withdraw();
        PluginInstance instance;
        lock.lock();
        try {
            instance = current;
            current = null;
            state = State.STOPPED;
            reason = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        cancel(restartTask);
        cancel(healthTask);
        cancel(binaryTask);
        restartTask = null;
        healthTask = null;
        binaryTask = null;
        binaryWatch = null;
        if (instance != null) {
            stopInstance(instance);
            logger.info("Stopped go-plugin {} (pid {})", name, instance.pid());
        }
    }

    /** Stops an instance gracefully, and says so when it had to be killed. */
    private void stopInstance(PluginInstance instance) {
        if (!instance.stop(settings.stopGrace())) {
            logger.warn("go-plugin {} (pid {}) did not exit within {} after Shutdown; killed it", name, instance.pid(),
                    Durations.words(settings.stopGrace()));
        }
    }

    /** Ends the supervisor's thread once the work handed to it is done (a stop of a replaced instance, say). */
    private void endThread() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.stopGrace().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    private PluginInstance current() {
        lock.lock();
        try {
            return current;
        } finally {
            lock.unlock();
        }
    }

    private String lastExit() {
        lock.lock();
        try {
            return lastExit;
        } finally {
            lock.unlock();
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** The first 12 hex digits of a SHA-256, as {@code describe} shows it. */
    static String shortHash(String sha256) {
        return sha256 == null ? "-" : sha256.substring(0, Math.min(12, sha256.length()));
    }
}
