package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What we compare to notice that a file changed: size, modification time and file key (the
 * inode on Linux, so a new file renamed over the old one counts as a change even with the same
 * size and time).
 */
record FileState(long size, FileTime modified, Object fileKey) {

    /** The state of a file that does not exist (or is not a regular file). */
    static final FileState ABSENT = new FileState(-1, null, null);

    /** Reads the file's current state; {@link #ABSENT} if it is gone. */
    static FileState of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return ABSENT;
            }
            return new FileState(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        } catch (IOException e) {
            return ABSENT;
        }
    }

    boolean isAbsent() {
        return modified == null;
    }

    long modifiedMillis() {
        return modified == null ? 0 : modified.toMillis();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileState other && size == other.size && Objects.equals(modified, other.modified)
                && Objects.equals(fileKey, other.fileKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, modified, fileKey);
    }
}
