package io.plugboard.runtime;

import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * The Gogo command {@code exit [code]}: stops the framework, and the launcher then exits with the
 * code. Gogo 1.1's own profile maps {@code exit} to {@code System.exit(int)}, which fails without
 * an argument and skips a clean shutdown; registering in scope {@code gogo}, which the shell
 * searches first, makes plain {@code exit} work. Public because Gogo calls it by reflection.
 */
public final class ExitCommand {

    private final Framework framework;
    private volatile int code;
    /** Set before the stop: Felix changes the framework's state on its own shutdown thread, later. */
    private volatile boolean exitRun;

    private ExitCommand(Framework framework) {
        this.framework = framework;
    }

    /** Registers the command with the framework and returns it, to ask for the exit code later. */
    static ExitCommand register(Framework framework) {
        ExitCommand command = new ExitCommand(framework);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "gogo");
        props.put("osgi.command.function", new String[] {"exit"});
        BundleContext context = framework.getBundleContext();
        context.registerService(Object.class, command, props);
        return command;
    }

    /** Stops the framework; the launcher exits with 0. */
    public void exit() throws BundleException {
        exit(0);
    }

    /** Stops the framework; the launcher exits with {@code status}. */
    public void exit(int status) throws BundleException {
        code = status;
        exitRun = true;
        // Felix stops asynchronously, so this returns and the shell thread is ended by the stop.
        framework.stop();
    }

    /** The code given to the last exit, 0 if none. */
    int code() {
        return code;
    }

    /**
     * Whether a script ran exit, or the framework is stopping or stopped otherwise. Not the state
     * alone: right after exit it may still read ACTIVE, and the script's next line would run.
     */
    boolean stopping() {
        return exitRun || (framework.getState() & (Framework.STOPPING | Framework.RESOLVED)) != 0;
    }
}
