package io.plugboard.host.internal.log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The only handler of java.util.logging's root logger while installed: a record a plugin logs
 * goes to that plugin's OSGi log, at the mapped level and with its exception; any other record
 * (the framework's, the host's, no bundle's) goes to the handlers the root had (JUL's
 * ConsoleHandler by default), as before. Taking their place, not adding to them, keeps a plugin's
 * record from being printed twice. Loggers' levels still decide first what is logged at all
 * (the go-plugin host quiets a gRPC logger that way).
 */
final class JulHandler extends Handler {

    /** The OSGi logger name of records from java.util.logging. */
    static final String LOGGER_NAME = "java.util.logging";

    private final Callers caller;
    private final LoggerFactory loggers;
    private final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    private final Handler[] replaced;
    // Only its formatMessage is used: the record's parameters and resource bundle applied.
    private final Formatter messages = new SimpleFormatter();

    private JulHandler(Callers caller, LoggerFactory loggers) {
        this.caller = caller;
        this.loggers = loggers;
        // Also makes java.util.logging read its configuration now, so a ConsoleHandler it makes
        // keeps the System.err of this moment, not our routing stream.
        this.replaced = root.getHandlers();
    }

    /** Takes the place of the root logger's handlers. */
    static JulHandler install(Callers caller, LoggerFactory loggers) {
        JulHandler handler = new JulHandler(caller, loggers);
        for (Handler each : handler.replaced) {
            handler.root.removeHandler(each);
        }
        handler.root.addHandler(handler);
        return handler;
    }

    /** Gives the root logger its handlers back. */
    void uninstall() {
        root.removeHandler(this);
        for (Handler each : replaced) {
            root.addHandler(each);
        }
    }

    @Override
    public void publish(LogRecord record) {
        Bundle plugin = record == null ? null : caller.pluginCaller();
        if (plugin == null) {
            passOn(record);
            return;
        }
        Logger logger;
        try {
            logger = loggers.getLogger(plugin, LOGGER_NAME, Logger.class);
        } catch (RuntimeException e) {
            // The bundle has just gone (uninstalled while its thread still logs): printed as before.
            passOn(record);
            return;
        }
        String message = messages.formatMessage(record);
        Throwable thrown = record.getThrown();
        // "{}" with the text as its argument: the text's own braces are not placeholders.
        Object[] args = thrown == null ? new Object[] {message} : new Object[] {message, thrown};
        switch (levelOf(record.getLevel())) {
            case ERROR -> logger.error("{}", args);
            case WARN -> logger.warn("{}", args);
            case INFO -> logger.info("{}", args);
            case DEBUG -> logger.debug("{}", args);
            default -> logger.trace("{}", args);
        }
    }

    private void passOn(LogRecord record) {
        for (Handler each : replaced) {
            each.publish(record);
        }
    }

    /** The OSGi level of a java.util.logging level: SEVERE, WARNING, INFO; CONFIG and FINE are DEBUG; finer is TRACE. */
    static LogLevel levelOf(Level level) {
        int value = level == null ? Level.INFO.intValue() : level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return LogLevel.ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return LogLevel.WARN;
        }
        if (value >= Level.INFO.intValue()) {
            return LogLevel.INFO;
        }
        return value >= Level.FINE.intValue() ? LogLevel.DEBUG : LogLevel.TRACE;
    }

    @Override
    public void flush() {
        for (Handler each : replaced) {
            each.flush();
        }
    }

    @Override
    public void close() {
        // The replaced handlers are the root's again after uninstall; closing them is not ours.
    }
}
