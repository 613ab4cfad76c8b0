package io.plugboard.host.internal.commands;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.log.Logger;

/** A {@link Logger} that keeps each call as {@code level: format}; the API has too many methods to write out. */
final class RecordingLogger {

    final List<String> lines = new ArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if (method.getReturnType() == boolean.class) {
                    return true;
                }
                if (method.getReturnType() == void.class && args != null && args[0] instanceof String format) {
                    lines.add(name + ": " + format);
                }
                return name.equals("getName") ? "test" : null;
            });
}
