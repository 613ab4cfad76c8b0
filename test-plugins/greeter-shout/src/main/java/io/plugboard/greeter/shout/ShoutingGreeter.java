package io.plugboard.greeter.shout;

import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.shout.Shout;

/** greeter.shout: {@code greet("Bob")} is {@code "HELLO, BOB!"}, shouted by the shout-library bundle. */
@Component
@PluginName("greeter.shout")
@PluginType(Greeter.TYPE)
public final class ShoutingGreeter implements Greeter {

    @Override
    public String greet(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return Shout.shout("Hello, " + name.strip());
    }
}
