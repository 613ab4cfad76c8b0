package io.plugboard.leaky;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * A badly behaved plugin, a test fixture: it starts a thread named {@code leaky-worker-<thread id>} when it
 * activates and has no deactivate method, so the thread outlives the plugin. The host must
 * report it. The thread is a daemon, so a failing test cannot keep the JVM alive, and it ends
 * when interrupted, so a test can clean up after itself.
 */
@Component
@PluginName("greeter.leaky")
@PluginType(Greeter.TYPE)
public final class LeakyGreeter implements Greeter {

    /** Starts the worker, and forgets it. */
    @Activate
    public LeakyGreeter() {
        Thread thread = new Thread(new Worker());
        // Unique, so a test can tell the thread of each revision apart.
        thread.setName(Worker.NAME + "-" + thread.getId());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public String greet(String name) {
        return "Hello, " + name + ", from a leaky plugin";
    }
}
