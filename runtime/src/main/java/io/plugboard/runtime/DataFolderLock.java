package io.plugboard.runtime;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock on a data folder that one Plugboard holds while it runs, as Apache Karaf's lock file:
 * two runtimes on one data folder would share the framework cache, the configuration and the
 * go-plugin processes' folders, and each would delete what the other installed. An OS file lock,
 * so a runtime that is killed (even with SIGKILL) never keeps the next one out.
 */
final class DataFolderLock implements AutoCloseable {

    /** The lock file in the data folder; it holds the pid of the runtime that holds the lock. */
    static final String FILE_NAME = "plugboard.lock";

    // The folders this JVM holds locks on. The OS lock is the process's: a second channel on the
    // file would not see it (Java throws OverlappingFileLockException instead), and closing that
    // channel would release the lock the first one holds.
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;

    private DataFolderLock(Path key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    /**
     * Locks the data folder, which must exist, and writes this process's pid into the lock file.
     * Fails with one line naming the folder, and the holder's pid when known, if another
     * Plugboard holds it. The lock must stay reachable for as long as it is to be held: a channel
     * that is collected is closed.
     */
    static DataFolderLock acquire(Path dataDir) throws Launcher.StartupException {
        Path key;
        try {
            key = dataDir.toRealPath();
        } catch (IOException e) {
            throw new Launcher.StartupException("cannot lock the data folder " + dataDir + ": " + Launcher.reason(e));
        }
        if (!HELD.add(key)) {
            throw inUse(dataDir, ProcessHandle.current().pid());
        }
        FileChannel channel = null;
        boolean locked = false;
        try {
            channel = FileChannel.open(key.resolve(FILE_NAME), CREATE, READ, WRITE);
            if (channel.tryLock() == null) {
                throw inUse(dataDir, readPid(channel));
            }
            writePid(channel);
            locked = true;
            return new DataFolderLock(key, channel);
        } catch (OverlappingFileLockException e) {
            // Locked by other code of this JVM, not through acquire (which checks HELD first);
            // nothing in the runtime does that.
            throw inUse(dataDir, ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new Launcher.StartupException("cannot lock the data folder " + dataDir + ": " + Launcher.reason(e));
        } finally {
            if (!locked) {
                closeQuietly(channel);
                HELD.remove(key);
            }
        }
    }

    private static Launcher.StartupException inUse(Path dataDir, long pid) {
        return new Launcher.StartupException("the data folder " + dataDir + " is in use by another Plugboard"
                + (pid > 0 ? " (pid " + pid + ")" : "") + "; stop it first or start with --data <another folder>");
    }

    /** Best effort, only for the message of a runtime refused: the lock is what counts. */
    private static void writePid(FileChannel channel) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            // The message then names no pid.
        }
    }

    /** The pid the holder wrote, or -1: it may not have written it yet. */
    private static long readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            return Long.parseLong(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Releases the lock. A runtime never calls it: its lock goes with its process. */
    @Override
    public void close() {
        closeQuietly(channel);
        HELD.remove(key);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            // Closing the channel releases its lock.
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the OS releases the lock when the process ends.
        }
    }
}
