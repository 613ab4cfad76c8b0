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
 * Version 2.0.0 of greeter.en, a test fixture: {@code greet("Bob")} is
 * {@code "Hello, Bob! (v2)"}, so a test can tell that an update to this bundle took effect.
 */
@Component
@PluginName("greeter.en")
@PluginType(Greeter.TYPE)
public final class EnglishGreeter implements Greeter {

    /** Creates the greeter; DS passes the bundle's logger, tests any Logger. */
    @Activate
    public EnglishGreeter(
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        logger.info("greeter.en ready (v2)");
    }

    @Override
    public String greet(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return "Hello, " + name.strip() + "! (v2)";
    }
}
