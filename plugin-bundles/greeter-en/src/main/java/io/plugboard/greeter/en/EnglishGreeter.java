package io.plugboard.greeter.en;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * Greets in English: {@code greet("Bob")} is {@code "Hello, Bob!"}. Whitespace around the name is
 * dropped; a {@code null} or blank name throws {@link IllegalArgumentException}, because a
 * greeting for nobody ("Hello, !") is always a caller's mistake.
 */
@Component
@PluginName("greeter.en")
@PluginType(Greeter.TYPE)
public final class EnglishGreeter implements Greeter {

    /** Creates the greeter; DS passes the bundle's logger, tests any Logger. */
    @Activate
    public EnglishGreeter(
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        logger.info("greeter.en ready");
    }

    @Override
    public String greet(String name) {
        return "Hello, " + requireName(name) + "!";
    }

    private static String requireName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name.strip();
    }
}
