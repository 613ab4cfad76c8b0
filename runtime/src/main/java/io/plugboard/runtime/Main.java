package io.plugboard.runtime;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.osgi.framework.launch.Framework;

/**
 * Entry point of plugboard.jar: starts Felix with the boot bundles and the plugins folder, then
 * opens the Gogo prompt (a terminal), runs the commands piped on standard input, or waits for
 * SIGTERM (--no-shell). Plain jar code, not a bundle.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    /** The data folder's lock, once taken: held until the JVM exits, which releases it. */
    private DataFolderLock dataLock;

    private Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the launcher and exits the JVM with its status (see --help for the codes). */
    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        if (!isTerminal()) {
            // Java 17 encodes redirected output in the locale's charset: under a POSIX locale every
            // non-ASCII character (你好) would come out as '?'. Scripts and logs get UTF-8, as
            // Java 18 and later give by default; a terminal keeps its locale's encoding.
            System.setOut(utf8(FileDescriptor.out));
            System.setErr(utf8(FileDescriptor.err));
            charset = StandardCharsets.UTF_8;
        }
        // What plugins print is attributed to them by the host, through these (see ConsoleStream).
        System.setOut(new ConsoleStream(System.out, charset));
        System.setErr(new ConsoleStream(System.err, charset));
        // Keep the real streams: once Gogo's ThreadIO starts it replaces System.out and System.err.
        Main main = new Main(System.out, System.err);
        StartupClock.mark("main");
        int status = main.run(args, System.getenv(), Path.of("").toAbsolutePath());
        main.out.flush();
        main.err.flush();
        System.exit(status);
        // Never reached (exit blocks until the JVM halts): keeps the lock's channel reachable
        // through the shutdown hooks, as a collected channel is closed and its lock released.
        Reference.reachabilityFence(main);
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd)), true, StandardCharsets.UTF_8);
    }

    /**
     * Whether standard input and output are a terminal. Java 17 gives a console only then; Java 22
     * and later may give one for redirected streams too and add Console.isTerminal() to tell.
     */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private int run(String[] args, Map<String, String> env, Path workDir) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args), env, workDir);
            if (options.help) {
                out.println(Options.USAGE);
                return EXIT_OK;
            }
            options.checkPluginFilesExist();
        } catch (Options.UsageException e) {
            err.println("plugboard: " + e.getMessage() + " (try --help)");
            return EXIT_USAGE;
        }

        boolean interactive = !options.noShell && isTerminal();
        boolean script = !options.noShell && !interactive;
        Launcher launcher = new Launcher(err);
        Framework framework;
        try {
            dataLock = launcher.prepareFolders(options);
            StartupClock.mark("folders prepared");
            framework = launcher.start(options,
                    FrameworkProperties.of(options, interactive, System.getProperties()), interactive);
        } catch (Launcher.StartupException e) {
            // A failure before the framework ran must not cut the copy of the examples short.
            launcher.awaitExamplesQuietly();
            StartupClock.print(err);
            err.println("plugboard: " + e.getMessage());
            return EXIT_FAILED;
        }
        // SIGTERM, Ctrl-C or System.exit: stop the framework so plugins shut down cleanly. The
        // JVM still reports the signal: a SIGTERM ends with exit code 143.
        Thread stopper = new Thread(() -> Launcher.stopQuietly(framework), "plugboard-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        ExitCommand exit = ExitCommand.register(framework);
        try {
            if (script) {
                int status = new ScriptRunner(framework.getBundleContext(), exit, out, err)
                        .run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
                StartupClock.mark("script done");
                launcher.linkClassesForArchive();
                Launcher.stopQuietly(framework);
                StartupClock.mark("framework stopped");
                StartupClock.print(err);
                return status;
            }
            StartupClock.print(err);
            if (options.noShell) {
                out.println("Plugboard is running without a shell, watching " + options.pluginsDir
                        + "; stop it with SIGTERM or Ctrl-C.");
                out.flush();
            }
            // Interactive: 'exit' or Ctrl-D stops the framework. Headless: only a signal (through
            // the hook above) stops it.
            framework.waitForStop(0);
            return exit.code();
        } catch (IOException e) {
            err.println("plugboard: cannot read standard input: " + e.getMessage());
            Launcher.stopQuietly(framework);
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Launcher.stopQuietly(framework);
            return EXIT_FAILED;
        }
    }
}
