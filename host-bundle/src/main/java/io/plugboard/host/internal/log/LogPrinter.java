package io.plugboard.host.internal.log;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.host.internal.text.ThrowableText;

/**
 * Prints every log entry with the symbolic name and version of the bundle that wrote it, so each
 * line is attributed to its plugin (or, for a plugin that is not a bundle, with the name and
 * version its logger names, see {@link PluginFileHandler#PLUGIN_LOGGER_PREFIX}): to standard error at or above
 * {@code plugboard.log.console.level}, and to {@code <data>/plugboard.log}.
 */
@Component(immediate = true, service = {})
public final class LogPrinter {

    static final String CONSOLE_LEVEL_PROPERTY = "plugboard.log.console.level";
    static final String DATA_DIR_PROPERTY = "plugboard.data.dir";
    static final String LOG_FILE_NAME = "plugboard.log";
    /** The logger name OSGi Log 1.4 gives to entries made from framework service events. */
    static final String SERVICE_EVENTS_LOGGER = "Events.Service";
    /** The logger name OSGi Log 1.4 gives to entries made from framework events. */
    static final String FRAMEWORK_EVENTS_LOGGER = "Events.Framework";
    /**
     * What Felix SCR (2.2) logs, after its "Could not get service from ref [...]", when the
     * service object for a bind, updated or unbind method could not be got: the same failure
     * again ("DependencyManager : invokeBindMethod : Service not available from service registry
     * for ServiceReference [...] for reference ...").
     */
    private static final String SCR_SERVICE_NOT_AVAILABLE = "Method : Service not available from service registry for ";
    /**
     * What the Felix framework's ERROR event says when a DS component's service factory (Felix
     * SCR's, named "Component: <name> (<id>)") gave no service object: SCR has logged why.
     */
    private static final String DS_FACTORY_RETURNED_NULL = "ServiceException: Service factory returned null. (Component: ";

    private final LogReaderService reader;
    private final LogLineWriter writer;
    private final LogListener listener = this::print;

    /** Opens the log file and starts listening. */
    @Activate
    public LogPrinter(BundleContext context, @Reference(name = "logReader") LogReaderService reader) {
        this.reader = reader;
        String levelText = context.getProperty(CONSOLE_LEVEL_PROPERTY);
        LogLevel consoleLevel = LogLineWriter.parseLevel(levelText, LogLevel.WARN);
        String dataDir = context.getProperty(DATA_DIR_PROPERTY);
        String self = origin(context.getBundle());
        this.writer = openWriter(consoleLevel, dataDir, self);
        if (levelText != null && LogLineWriter.parseLevel(levelText, null) == null) {
            writer.write(System.currentTimeMillis(), LogLevel.WARN, self, CONSOLE_LEVEL_PROPERTY + " '" + levelText
                    + "' is not a log level (AUDIT, ERROR, WARN, INFO, DEBUG, TRACE); using WARN", null);
        }
        reader.addLogListener(listener);
    }

    /** Stops listening and closes the log file. */
    @Deactivate
    void deactivate() throws IOException {
        reader.removeLogListener(listener);
        writer.close();
    }

    /** Opens the log file; a data folder that cannot be written must not silence the console too. */
    private static LogLineWriter openWriter(LogLevel consoleLevel, String dataDir, String self) {
        if (dataDir != null && !dataDir.isBlank()) {
            Path file = Path.of(dataDir, LOG_FILE_NAME);
            try {
                return new LogLineWriter(System.err, consoleLevel, file);
            } catch (IOException | RuntimeException e) {
                System.err.println(LogLineWriter.format(LogLevel.ERROR, self,
                        "Cannot open " + file + " (" + e + "); logging to the console only", null));
            }
        }
        return new LogLineWriter(System.err, consoleLevel);
    }

    private void print(LogEntry entry) {
        // The framework logs every service registration and modification; that chatter would
        // bury what plugins say, so it is left out unless it is a warning or worse.
        if (isServiceEvent(entry.getLoggerName()) && !LogLevel.WARN.implies(entry.getLogLevel())) {
            return;
        }
        writer.write(entry.getTime(), entry.getLogLevel(), origin(entry.getLoggerName(), entry.getBundle()),
                entry.getMessage(), entry.getException(),
                repeatsAFailedGet(entry.getLoggerName(), entry.getMessage(), entry.getException()),
                isStandardStream(entry.getLoggerName()));
    }

    /** Whether the entry is a line a plugin wrote to System.out or System.err ({@link PluginOutput}). */
    static boolean isStandardStream(String loggerName) {
        return PluginOutput.OUT_LOGGER.equals(loggerName) || PluginOutput.ERR_LOGGER.equals(loggerName);
    }

    /**
     * Whether the entry only says again that a service object could not be got, which the entry
     * before it said already: when a plugin's DS component throws in activate and the registry
     * asks for its service, SCR logs the component's error, then "Could not get service from ref
     * [...]" for the registry's reference, then that the service was not available for the bind
     * method, and the framework logs an ERROR event that the service factory returned null. The
     * console leaves out the last two (and SCR's second report of the component's error, as a
     * line it showed a moment before); the file keeps every entry.
     */
    static boolean repeatsAFailedGet(String loggerName, String message, Throwable exception) {
        if (message != null && message.contains(SCR_SERVICE_NOT_AVAILABLE)) {
            return true;
        }
        return loggerName != null && loggerName.startsWith(FRAMEWORK_EVENTS_LOGGER) && exception != null
                && ThrowableText.describe(exception).contains(DS_FACTORY_RETURNED_NULL);
    }

    /**
     * Whether the logger is the one of framework service events: OSGi Log 1.4 names it
     * {@value #SERVICE_EVENTS_LOGGER}, and Felix Log appends the registering bundle's symbolic name
     * ({@code Events.Service.io.plugboard.host}).
     */
    static boolean isServiceEvent(String loggerName) {
        return loggerName != null
                && (loggerName.equals(SERVICE_EVENTS_LOGGER) || loggerName.startsWith(SERVICE_EVENTS_LOGGER + "."));
    }

    /**
     * Returns the plugin a line belongs to: the rest of a logger name that starts with
     * {@value PluginFileHandler#PLUGIN_LOGGER_PREFIX} (a plugin a handler bundle runs, such as
     * {@code kv.go 1.0.0}), else the bundle that logged it.
     */
    static String origin(String loggerName, Bundle bundle) {
        if (loggerName != null && loggerName.startsWith(PluginFileHandler.PLUGIN_LOGGER_PREFIX)) {
            String plugin = loggerName.substring(PluginFileHandler.PLUGIN_LOGGER_PREFIX.length()).strip();
            if (!plugin.isEmpty()) {
                return plugin;
            }
        }
        return origin(bundle);
    }

    /** Returns {@code symbolic-name version} of the bundle, which is what users know a plugin by. */
    static String origin(Bundle bundle) {
        return bundle == null ? "unknown" : bundle.getSymbolicName() + " " + bundle.getVersion();
    }
}
