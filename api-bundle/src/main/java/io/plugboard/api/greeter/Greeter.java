package io.plugboard.api.greeter;

import org.osgi.annotation.versioning.ConsumerType;

/** Greets someone by name. Implemented by plugins, called by the host. */
@ConsumerType
public interface Greeter {

    /** The plugin type of greeters. */
    String TYPE = "greeter";

    /** Returns a greeting for the name, in the plugin's language. */
    String greet(String name);
}
