package io.plugboard.greeter.zh;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;

/** A Logger for unit tests that records "level: message" lines instead of printing them. */
final class RecordingLogger {

    final List<String> lines = new CopyOnWriteArrayList<>();

    /** Returns a Logger that records trace/debug/info/warn/error(String, args...) calls. */
    Logger logger() {
        // Logger has some thirty methods; a proxy records the ones plugins call without
        // implementing them all by hand.
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getName")) {
                        return "test";
                    }
                    if (method.getName().startsWith("is")) {
                        return true;
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String format) {
                        lines.add(method.getName() + ": " + format(format, args));
                    }
                    return null;
                });
    }

    /** Replaces each {} with the next argument, as OSGi Log does. */
    private static String format(String format, Object[] args) {
        List<Object> values = args.length == 2 && args[1] instanceof Object[] varargs
                ? Arrays.asList(varargs)
                : Arrays.asList(args).subList(1, args.length);
        StringBuilder message = new StringBuilder(format);
        for (Object value : values) {
            int at = message.indexOf("{}");
            if (at < 0) {
                break;
            }
            message.replace(at, at + 2, String.valueOf(value));
        }
        return message.toString();
    }
}
