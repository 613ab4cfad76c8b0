package io.plugboard.host.internal.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import org.osgi.service.log.Logger;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;

/**
 * Carries out the watched folder's decisions about the files of one handler. A failure of the
 * handler (a {@link PluginFileException} or anything else it throws) is reported and the folder
 * goes on with the other files. A handler that fails because it is going away (its service was
 * unregistered meanwhile, as when the runtime stops while the folder is still installing) is not
 * reported as a failure: its files are taken again when a handler for them comes back.
 */
final class HandlerFolderActions implements FolderActions {

    private final Path dir;
    private final FileHandler handler;
    private final LongPredicate present;
    private final Consumer<Collection<String>> removing;
    private final FileTasks.Work work;
    private final BiConsumer<Path, String> outcome;
    private final Logger logger;

    /**
     * @param work runs the handler's installs, updates and uninstalls, each file's in order, on
     *        threads of their own in the runtime ({@link FileTasks}), so that a plugin that takes
     *        long to start (a go-plugin's start timeout may be an hour) holds up neither the jars,
     *        nor the other events of the folder, nor the handler's other files
     * @param outcome told, on that thread, of each file's install: null when the handler took it,
     *        else why it refused it (the folder judges it again when a plugin leaves: it may
     *        conflict with that plugin)
     */
    HandlerFolderActions(Path dir, FileHandler handler, LongPredicate present, Consumer<Collection<String>> removing,
            FileTasks.Work work, BiConsumer<Path, String> outcome, Logger logger) {
        this.dir = dir;
        this.handler = handler;
        this.present = present;
        this.removing = removing;
        this.work = work;
        this.outcome = outcome;
        this.logger = logger;
    }

    /**
     * Hands the file's action to the handlers' threads, behind the file's earlier ones; dropped
     * once the folder closes. An install or update of the file under way is interrupted (the
     * handler cancels it) and that is logged, saying why.
     */
    private void later(Path file, boolean interruptible, String why, Runnable action) {
        try {
            if (work.execute(file, interruptible, action)) {
                logger.info("Cancelling the install of {} under way with {}: {}", file.getFileName(),
                        handler.describe(), why);
            }
        } catch (RejectedExecutionException e) {
            // The folder is closing: the handler's files are taken again when it is back.
        }
    }

    /** True, after logging it at debug level, when the handler failed because it left. */
    private boolean left(String what, Path file, Exception e) {
        if (present.test(handler.serviceId())) {
            return false;
        }
        logger.debug("Not {} {}: {} left meanwhile ({})", what, file.getFileName(), handler.describe(), e.toString());
        return true;
    }

    /** The handler's plugins installed from files in the folder (not those from elsewhere, by plugin:install). */
    @Override
    public Map<Path, Long> installed() {
        Map<Path, Long> result = new HashMap<>();
        List<PluginFile> files;
        try {
            files = handler.handler().installed();
        } catch (RuntimeException e) {
            logger.warn("Cannot ask {} which plugins it runs: {}", handler.describe(), e.toString());
            return result;
        }
        for (PluginFile file : files) {
            Path path = file.file().toAbsolutePath().normalize();
            if (dir.equals(path.getParent())) {
                result.put(path, file.installedMillis());
            }
        }
        return result;
    }

    /**
     * By time stamp: a handler runs its plugins from the file itself, each start anew, and tells
     * when it took each file (a handler's plugins are not kept in the framework cache).
     */
    @Override
    public boolean isCurrent(Path file, FileState state, long installedMillis) {
        return state.modifiedMillis() <= installedMillis;
    }

    /** Updated: the handler replaces its plugin only once the new file's plugin runs. */
    @Override
    public boolean removeStale(Path file) {
        return false;
    }

    /** Nothing to do: a handler's plugins run as long as it has them. */
    @Override
    public void kept(List<Path> files) {
    }

    /** One task per file: files start at the same time, and once the folder stops, no file queued is handed over. */
    @Override
    public Map<Path, String> install(List<Path> files) {
        for (Path file : files) {
            later(file, true, "the file is installed anew", () -> outcome.accept(file, install(file, "install")));
        }
        return null; // the outcomes come later, through outcome, from the handlers' thread
    }

    @Override
    public void update(Path file) {
        later(file, true, "the file changed", () -> {
            String warning = install(file, "update");
            if (warning != null) {
                logger.warn(warning);
            }
        });
    }

    @Override
    public void uninstall(Path file) {
        later(file, false, "the file left the plugins folder", () -> uninstallNow(file));
    }

    private void uninstallNow(Path file) {
        try {
            // Deleting the file removes the plugin on purpose: a type it serves as selected moves on.
            // Compared as installed() compares: a handler may name its files relative or unnormalised.
            Path key = file.toAbsolutePath().normalize();
            removing.accept(handler.handler().installed().stream()
                    .filter(p -> p.file().toAbsolutePath().normalize().equals(key))
                    .map(PluginFile::pluginName).toList());
            handler.handler().uninstall(file);
            logger.info("Uninstalled the plugin of {} with {}: the file left the plugins folder", file.getFileName(),
                    handler.describe());
        } catch (PluginFileException e) {
            if (!left("uninstalling", file, e)) {
                logger.warn("Cannot uninstall the plugin of {} after it left the plugins folder: {}", file.getFileName(),
                        e.getMessage());
            }
        } catch (RuntimeException e) {
            if (left("uninstalling", file, e)) {
                return;
            }
            logger.warn("Cannot uninstall the plugin of {} after it left the plugins folder: {} failed: {}",
                    file.getFileName(), handler.describe(), e.toString());
        }
    }

    /**
     * Installs or replaces: for a handler both are {@code install}, which keeps the old plugin if
     * the new one fails. Returns the warning that says why the handler refused the file (for the
     * caller to log), or null if it took it or there is nothing to report.
     */
    private String install(Path file, String what) {
        try {
            handler.handler().install(file);
            logger.info("{} {} from the plugins folder with {}", what.equals("install") ? "Installed" : "Updated",
                    file.getFileName(), handler.describe());
            return null;
        } catch (PluginFileException e) {
            if (left(what.equals("install") ? "installing" : "updating", file, e)) {
                return null;
            }
            if (Files.exists(file)) {
                return "Cannot " + what + " " + file.getFileName() + " from the plugins folder: " + e.getMessage();
            }
            // Deleted while it was being installed: its delete event follows, nothing to report.
            logger.debug("Not installing {}: it left the plugins folder meanwhile", file.getFileName());
            return null;
        } catch (RuntimeException e) {
            if (left(what.equals("install") ? "installing" : "updating", file, e)) {
                return null;
            }
            return "Cannot " + what + " " + file.getFileName() + " from the plugins folder: " + handler.describe()
                    + " failed: " + e;
        }
    }
}
