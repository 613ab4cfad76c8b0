package io.plugboard.goplugin.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Words a file system failure for a user: the common ones by what happened, not by the Java
 * class that says it ({@code java.nio.file.NoSuchFileException: /x} is "no such file or folder").
 */
final class IoFailures {

    private IoFailures() {
    }

    /**
     * What went wrong with {@code about}, the path the message around it names: another path
     * the failure names (a file in the way of a folder to make, say) is added in brackets.
     */
    static String reason(IOException e, Path about) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder" + other(e, about);
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied" + other(e, about);
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder" + other(e, about);
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way" + other(e, about);
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT) + other(e, about);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The file the failure names, when it is not the one the message is about: " (/x)". */
    private static String other(IOException e, Path about) {
        if (e instanceof FileSystemException f && f.getFile() != null
                && (about == null || !Path.of(f.getFile()).equals(about))) {
            return " (" + f.getFile() + ")";
        }
        return "";
    }
}
