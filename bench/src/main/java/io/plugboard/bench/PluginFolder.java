package io.plugboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import io.plugboard.api.greeter.Greeter;

/**
 * The watched plugins folder as a user drives it: a jar is written next to it (in a staging
 * folder on the same file system) and then moved in atomically, so a watcher never sees it half
 * written and the landing time is one instant.
 */
final class PluginFolder {

    private final Path folder;
    private final Path stage;

    PluginFolder(Path folder, Path stage) {
        this.folder = folder;
        this.stage = stage;
    }

    /** The watched folder. */
    Path path() {
        return folder;
    }

    /** Writes the jar to the staging folder, ready for {@link #moveIn}. */
    void stage(String fileName, byte[] jar) throws IOException {
        Files.write(stage.resolve(fileName), jar);
    }

    /** Where {@link #stage} wrote the jar. */
    Path staged(String fileName) {
        return stage.resolve(fileName);
    }

    /** Moves a staged jar into the folder in one step, replacing a jar of the same name. */
    void moveIn(String fileName) throws IOException {
        Files.move(stage.resolve(fileName), folder.resolve(fileName),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Stages the jar and moves it in. */
    void land(String fileName, byte[] jar) throws IOException {
        stage(fileName, jar);
        moveIn(fileName);
    }

    /** Deletes a jar from the folder. */
    void delete(String fileName) throws IOException {
        Files.delete(folder.resolve(fileName));
    }

    /**
     * Calls the greeter until an answer passes the test, every 100 microseconds (so the waiting
     * does not take a core from the watcher), and returns {@link System#nanoTime()} of that call's
     * end. A call that throws counts as "not yet".
     *
     * @throws IllegalStateException when no such answer came within the timeout, with the last answer
     */
    static long awaitAnswer(Greeter greeter, Predicate<String> wanted, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Object last = null;
        while (true) {
            try {
                String answer = greeter.greet("Bob");
                long now = System.nanoTime();
                if (wanted.test(answer)) {
                    return now;
                }
                last = answer;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no wanted answer within " + timeoutMillis + " ms; last: " + last);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
