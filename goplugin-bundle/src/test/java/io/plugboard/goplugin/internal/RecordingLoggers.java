package io.plugboard.goplugin.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.testing.RecordingLogger;

/**
 * A {@link LoggerFactory} whose loggers record what they are given, one {@link RecordingLogger}
 * per logger name; what {@link GoPluginHandler}'s DS constructor gets in the real-process tests.
 */
final class RecordingLoggers implements LoggerFactory {

    private final Map<String, RecordingLogger> byName = new ConcurrentHashMap<>();

    /** The lines recorded by the logger of that name so far (none if it was never asked for). */
    List<String> lines(String loggerName) {
        RecordingLogger logger = byName.get(loggerName);
        return logger == null ? List.of() : logger.lines();
    }

    /** The lines of the logger named {@code plugin:<name> <version>}, where a plugin's own output goes. */
    List<String> pluginLines(String pluginName, String version) {
        return lines("plugin:" + pluginName + " " + version);
    }

    /** The lines of the handler's own logger (the supervisors log there). */
    List<String> handlerLines() {
        return lines(GoPluginHandler.class.getName());
    }

    @Override
    public Logger getLogger(String name) {
        return byName.computeIfAbsent(name, n -> new RecordingLogger()).logger();
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        return getLogger(clazz.getName());
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        return loggerType.cast(getLogger(name));
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        return loggerType.cast(getLogger(clazz));
    }

    @Override
    public <L extends Logger> L getLogger(Bundle bundle, String name, Class<L> loggerType) {
        return loggerType.cast(getLogger(name));
    }
}
