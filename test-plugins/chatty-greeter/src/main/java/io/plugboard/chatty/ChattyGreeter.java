package io.plugboard.chatty;

import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * A plugin that talks the old way, a test fixture: it writes to System.out, System.err and
 * java.util.logging when it activates and when it greets, so the host must attribute each line
 * to it in plugboard.log. The line printed in two parts must come out as one.
 */
@Component
@PluginName("greeter.chatty")
@PluginType(Greeter.TYPE)
public final class ChattyGreeter implements Greeter {

    private static final Logger LOG = Logger.getLogger(ChattyGreeter.class.getName());

    /** Says it started, three ways. */
    @Activate
    public ChattyGreeter() {
        System.out.print("chatty out: ");
        System.out.println("activated");
        System.err.println("chatty err: activated");
        LOG.log(Level.WARNING, "chatty jul: activated", new IllegalStateException("chatty jul exception"));
    }

    @Override
    public String greet(String name) {
        System.out.println("chatty out: greeting " + name);
        System.err.println("chatty err: greeting " + name);
        LOG.info("chatty jul: greeting " + name);
        return "Hello, " + name + ", from a chatty plugin";
    }
}
