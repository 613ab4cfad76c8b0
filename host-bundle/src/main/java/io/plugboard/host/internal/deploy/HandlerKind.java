package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import org.osgi.service.log.Logger;

import io.plugboard.api.deploy.PluginFileException;

/** The files of one {@link io.plugboard.api.deploy.PluginFileHandler}: judged, installed and removed by it. */
final class HandlerKind implements FileKind {

    private final FileHandler handler;
    private final HandlerFolderActions actions;

    /**
     * {@code present} tells whether a handler service (by id) is still registered; {@code removing}
     * is told the names of the plugins of a file that left the folder, before they are uninstalled;
     * {@code work} runs the handler's installs, updates and uninstalls, each file's in order, and tells
     * {@code outcome} how each install went (null: taken, else why it was refused).
     */
    HandlerKind(Path dir, FileHandler handler, LongPredicate present, Consumer<Collection<String>> removing,
            FileTasks.Work work, BiConsumer<Path, String> outcome, Logger logger) {
        this.handler = handler;
        this.actions = new HandlerFolderActions(dir, handler, present, removing, work, outcome, logger);
    }

    @Override
    public String extension() {
        return handler.extension();
    }

    /** The handler's verdict; a handler that fails unexpectedly has the file reported, not the folder stopped. */
    @Override
    public FileCheck check(Path file) {
        try {
            return FileCheck.valid(handler.handler().check(file));
        } catch (PluginFileException e) {
            return FileCheck.invalid(e.getMessage());
        } catch (RuntimeException e) {
            return FileCheck.invalid(file.getFileName() + " cannot be checked by " + handler.describe() + ": " + e);
        }
    }

    /** A handler's files are descriptors, such as a go-plugin's. */
    @Override
    public boolean isDescriptor() {
        return true;
    }

    @Override
    public FolderActions actions() {
        return actions;
    }

    /** The same handler service makes the same kind, so a change of other handlers leaves its files alone. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HandlerKind other && handler.equals(other.handler);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handler);
    }

    @Override
    public String toString() {
        return handler.describe();
    }
}
