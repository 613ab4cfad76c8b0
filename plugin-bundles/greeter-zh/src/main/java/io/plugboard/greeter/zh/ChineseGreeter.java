package io.plugboard.greeter.zh;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * Greets in Chinese: {@code greet("Bob")} is {@code "你好，Bob！"}, with the full-width comma and
 * exclamation mark of Chinese text. Whitespace around the name is dropped; a {@code null} or
 * blank name throws {@link IllegalArgumentException}, as in every Plugboard greeter.
 */
@Component
@PluginName("greeter.zh")
@PluginType(Greeter.TYPE)
public final class ChineseGreeter implements Greeter {

    // Escapes keep the source ASCII, so a wrong source encoding cannot garble the greeting:
    // U+4F60 U+597D (ni hao), U+FF0C full-width comma, U+FF01 full-width exclamation mark.
    private static final String HELLO = "\u4f60\u597d\uff0c";
    private static final String EXCLAMATION = "\uff01";

    /** Creates the greeter; DS passes the bundle's logger, tests any Logger. */
    @Activate
    public ChineseGreeter(
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        logger.info("greeter.zh ready");
    }

    @Override
    public String greet(String name) {
        return HELLO + requireName(name) + EXCLAMATION;
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
