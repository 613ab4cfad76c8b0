package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What we compare to notice that a file changed: size, modification time and file key (the
 * inode on Linux, so a new file renamed over the old one counts as a change even with the same
 * size and time). The time is kept as a number, not as the FileTime it was read as: the folder
 * keeps one of these per plugin.
 *
 * @param size the length in bytes, -1 for a file that does not exist
 * @param modifiedNanos the modification time in nanoseconds since the epoch
 * @param fileKey the file system's key of the file, or null
 */
record FileState(long size, long modifiedNanos, Object fileKey) {

    /** The state of a file that does not exist (or is not a regular file). */
    static final FileState ABSENT = new FileState(-1, 0, null);

    /** Reads the file's current state; {@link #ABSENT} if it is gone. */
    static FileState of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return ABSENT;
            }
            return new FileState(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                    attributes.fileKey());
        } catch (IOException e) {
            return ABSENT;
        }
    }

    boolean isAbsent() {
        return size < 0;
    }

    long modifiedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(modifiedNanos);
    }

    // Written out: a record's generated equals, hashCode and toString bootstrap ObjectMethods
    // through invokedynamic on first use, spinning method-handle classes that the class archive
    // cannot keep: 10-20 ms of the first scan (which compares every file's state) on a first start.
    @Override
    public boolean equals(Object o) {
        return o instanceof FileState other && size == other.size && modifiedNanos == other.modifiedNanos
                && Objects.equals(fileKey, other.fileKey);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(size) * 31 + Long.hashCode(modifiedNanos)) * 31 + Objects.hashCode(fileKey);
    }

    @Override
    public String toString() {
        return "FileState[size=" + size + ", modifiedNanos=" + modifiedNanos + ", fileKey=" + fileKey + "]";
    }
}
