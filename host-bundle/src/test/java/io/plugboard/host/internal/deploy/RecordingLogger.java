package io.plugboard.host.internal.deploy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} that keeps "LEVEL message" lines, with the {} placeholders filled in. */
final class RecordingLogger {

    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getName")) {
                    return "test";
                }
                if (method.getName().startsWith("is")) {
                    return true;
                }
                if (args != null && args.length > 0 && args[0] instanceof String format) {
                    lines.add(method.getName().toUpperCase() + " " + fill(format, args));
                }
                return null;
            });

    List<String> lines(String level) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
        }
    }

    private static String fill(String format, Object[] args) {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i] instanceof Object[] array) {
                values.addAll(List.of(array));
            } else {
                values.add(args[i]);
            }
        }
        StringBuilder text = new StringBuilder(format);
        for (Object value : values) {
            int at = text.indexOf("{}");
            if (at < 0) {
                break;
            }
            text.replace(at, at + 2, String.valueOf(value));
        }
        return text.toString();
    }
}
