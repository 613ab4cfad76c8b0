package io.plugboard.greeter.en;

import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * Version 3.0.0 of greeter.en, a test fixture that never runs: its manifest imports the greeter
 * API 2.x (see bnd.bnd). Were it to run anyway, {@code greet("Bob")} would say so.
 */
@Component
@PluginName("greeter.en")
@PluginType(Greeter.TYPE)
public final class EnglishGreeter implements Greeter {

    @Override
    public String greet(String name) {
        return "Hello, " + name + "! (v3, which should never run)";
    }
}
