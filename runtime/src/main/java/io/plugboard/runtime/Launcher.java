package io.plugboard.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/** Prepares the folders, starts Felix with the embedded boot bundles and installs extra plugins. */
final class Launcher {

    /** Started after every other boot bundle, so SCR, Config Admin and Log are there to serve it. */
    static final String HOST_SYMBOLIC_NAME = "io.plugboard.host";

    /**
     * The sub-folder of the plugins folder for the programs of out-of-process plugins (kv-go): the
     * watcher acts only on the folder's own files, and the descriptors name their programs here.
     */
    static final String PROGRAMS_FOLDER = "bin/";

    private static final String JLINE_SYMBOLIC_NAME = "org.jline";
    /**
     * Gogo's jline shell: started only for a terminal. It sets SIGINT to "ignore" for its
     * terminal, which without a prompt would leave Ctrl-C no way to stop the runtime.
     */
    static final String SHELL_SYMBOLIC_NAME = "org.apache.felix.gogo.jline";

    private final PrintStream err;
    /** The copy of the example plugins that {@link #prepareFolders} started, until it is awaited. */
    private FutureTask<Void> examples;
    /** The install of the boot bundles left aside (file handlers) that {@link #start} started, until it is awaited. */
    private FutureTask<List<Bundle>> handlerInstall;
    /** Notes the classes bundles define, on the training start that writes the class archive only; else null. */
    private ArchiveTraining archiveTraining;

    /** Whether a folder may be written to: {@link Files#isWritable}, but in tests (to root, every folder is). */
    private final Predicate<Path> writable;

    Launcher(PrintStream err) {
        this(err, new Writable());
    }

    /** With another test of whether a folder may be written to, for tests. */
    Launcher(PrintStream err, Predicate<Path> writable) {
        this.err = err;
        this.writable = writable;
    }

    /**
     * {@link Files#isWritable}, as a class of its own: a method reference would spin its class on
     * the way to the first start (see {@link ExampleCopy}).
     */
    private static final class Writable implements Predicate<Path> {
        @Override
        public boolean test(Path dir) {
            return Files.isWritable(dir);
        }
    }

    /**
     * Creates and locks the data folder and, if missing, creates the plugins folder, and starts
     * filling that with the example plugins (the bundles, and kv-go's descriptor with its program
     * in {@value #PROGRAMS_FOLDER}) on a thread of its own: {@link #start} waits for them before
     * the host looks at the folder. Fails with one line naming the folder when it cannot be
     * created or written (the plugins folder is written at the first start only, so a later one
     * takes it read-only), or another Plugboard runs on it; a failed copy fails {@link #start} (or
     * {@link #awaitExamples}) the same way. Returns the data folder's lock, to be held (kept
     * reachable) until the JVM exits.
     */
    DataFolderLock prepareFolders(Options options) throws StartupException {
        boolean firstStart = !Files.exists(options.pluginsDir);
        // The data folder first: if it fails, the plugins folder is not created either, so the
        // next start still counts as the first one and copies the example plugins.
        ensureDirectory("data", options.dataDir, true, "");
        // Before anything else is touched: a second runtime on the folder would share the
        // framework cache with the first and uninstall (delete) the bundles it runs.
        DataFolderLock lock = DataFolderLock.acquire(options.dataDir);
        // Written only at the first start: later ones only read it, so it may be read-only then
        // (a plugins folder deployed with the application, on a read-only mount).
        ensureDirectory("plugins", options.pluginsDir, firstStart,
                " (the first start copies the example plugins into it; a later one only reads it)");
        if (firstStart) {
            List<String> names = readIndex("default-plugins/index.txt");
            // 9 MB to write (kv-go's program, mostly; stored in plugboard.jar, not deflated): the
            // second core does it while this one creates the framework and starts its first bundles.
            examples = new FutureTask<>(new ExampleCopy(names, options.pluginsDir));
            Thread thread = new Thread(examples, "plugboard-example-plugins");
            thread.setDaemon(true);
            thread.start();
        }
        return lock;
    }

    /**
     * The copy of the example plugins, as a class of its own: a lambda here would be the first of
     * the JVM on a first start, and spinning its classes (the class archive, trained on a restart,
     * has none of them) cost the launcher thread several milliseconds.
     */
    private static final class ExampleCopy implements Callable<Void> {

        private final List<String> names;
        private final Path pluginsDir;

        ExampleCopy(List<String> names, Path pluginsDir) {
            this.names = names;
            this.pluginsDir = pluginsDir;
        }

        @Override
        public Void call() throws StartupException {
            copyExamples(names, pluginsDir);
            return null;
        }
    }

    /** Copies the example plugins into the new plugins folder, programs made executable. */
    private static void copyExamples(List<String> names, Path pluginsDir) throws StartupException {
        for (String name : names) {
            Path target = pluginsDir.resolve(name);
            try (InputStream in = resource("default-plugins/" + name)) {
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
                if (name.startsWith(PROGRAMS_FOLDER)) {
                    makeExecutable(target);
                }
            } catch (IOException e) {
                throw new StartupException("cannot copy example plugin " + name + " to " + pluginsDir + ": " + reason(e));
            }
        }
    }

    /**
     * Waits until the example plugins that {@link #prepareFolders} copies are in place (at once if
     * it copies none); rethrows its failure. An interrupt is kept for the caller, not lost.
     */
    void awaitExamples() throws StartupException {
        FutureTask<Void> copy = examples;
        if (copy == null) {
            return;
        }
        examples = null;
        try {
            // The copy is short and must not be left half done.
            getUninterruptibly(copy);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StartupException failure) {
                throw failure;
            }
            throw new StartupException("cannot copy the example plugins to the plugins folder: " + describe(e.getCause()));
        }
    }

    /**
     * The task's result, waited for through interrupts (a copy must not be left half done); an
     * interrupt is kept for the caller, not lost.
     */
    private static <T> T getUninterruptibly(FutureTask<T> task) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Lets everyone who may read the file run it, as {@code chmod +x} does: a jar entry carries no
     * permissions. Skipped where the file system has no POSIX permissions (the program is a
     * Linux binary anyway).
     */
    static void makeExecutable(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.copyOf(view.readAttributes().permissions());
        if (permissions.contains(PosixFilePermission.OWNER_READ)) {
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)) {
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        view.setPermissions(permissions);
    }

    /**
     * Starts the framework: installs every boot bundle in index order and starts them (the Gogo
     * shell only if {@code startShell}) with the host last, whose folder watcher installs and
     * starts the plugins while it activates; then installs and starts the extra plugins, each
     * failure reported on its own line.
     */
    Framework start(Options options, Map<String, String> properties, boolean startShell)
            throws StartupException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new StartupException("no OSGi framework inside plugboard.jar"));
        // A new framework cache: SCR will parse every component description (see BootWarmUp).
        boolean newCache = !Files.exists(options.dataDir.resolve(FrameworkProperties.CACHE_FOLDER));
        Framework framework = factory.newFramework(properties);
        if (newCache) {
            // Only now: started before the framework's creation, the warm-up (whose lambdas spin a
            // dozen method-handle classes) and the example copy made three threads on two cores,
            // and the creation waited for a core. SCR's first parse comes 150 ms or more later.
            BootWarmUp.warmUpXmlParser();
        }
        try {
            StartupClock.mark("framework created");
            framework.init();
            StartupClock.mark("framework initialised");
            StartupClock.watch(framework.getBundleContext());
            BundleContext context = framework.getBundleContext();
            archiveTraining = ArchiveTraining.startIfTraining(context);
            BootSet.Synced synced = BootSet.sync(context, readIndex("boot/index.txt"), new ShellOnly(startShell),
                    new DeclaresFileHandler(), options.pluginsDir);
            List<Bundle> boot = synced.bundles();
            // A file handler is needed by no other bundle and only once the host watches the folder,
            // which gives it the folder's files whenever it arrives; installing it (copying the
            // go-plugin bundle's 10.7 MB into the cache) on a second core keeps it off the way to
            // the first plugin call. Usually installed by the host's first scan, which starts it.
            handlerInstall = startAsideInstall(synced.aside());
            StartupClock.mark("boot bundles installed");
            registerConsole(context);
            framework.start();
            StartupClock.mark("framework started");
            // Only what this mode starts: the piped mode never needs jline or its shell resolved.
            List<Bundle> needed = new ArrayList<>();
            for (Bundle bundle : boot) {
                if (startShell || !isShellOnly(bundle)) {
                    needed.add(bundle);
                }
            }
            framework.adapt(FrameworkWiring.class).resolveBundles(needed);
            StartupClock.mark("boot bundles resolved");
            Bundle host = null;
            // Bundles that register a PluginFileHandler start after the host: what they log while
            // they start (a stale socket folder removed, say) reaches the host's log printer.
            List<Bundle> fileHandlers = new ArrayList<>();
            // jline 3.26 finds its terminal providers through the thread's context class loader;
            // Gogo's shell builds its terminal on this thread while the Gogo bundles start, so
            // lend it jline's own loader, or every terminal would be a dumb one.
            Thread thread = Thread.currentThread();
            ClassLoader saved = thread.getContextClassLoader();
            thread.setContextClassLoader(classLoaderOf(boot, JLINE_SYMBOLIC_NAME, saved));
            try {
                for (Bundle bundle : boot) {
                    if (HOST_SYMBOLIC_NAME.equals(bundle.getSymbolicName())) {
                        host = bundle;
                    } else if (providesFileHandler(bundle)) {
                        fileHandlers.add(bundle);
                    } else if (!isFragment(bundle) && (startShell || !isShellOnly(bundle))) {
                        // Transient: the cache is kept, and a persistent start would have the
                        // next start launch every boot bundle (the shell too, host first) on its own.
                        bundle.start(Bundle.START_TRANSIENT);
                        StartupClock.mark("started " + bundle.getSymbolicName());
                    }
                }
            } finally {
                thread.setContextClassLoader(saved);
            }
            if (host == null) {
                throw new StartupException("the host bundle " + HOST_SYMBOLIC_NAME + " is missing from plugboard.jar");
            }
            // The host's folder watcher scans the plugins folder as it starts.
            awaitExamples();
            StartupClock.mark("example plugins in place");
            host.start(Bundle.START_TRANSIENT);
            StartupClock.mark("host started");
            fileHandlers.addAll(awaitAsideInstall());
            for (Bundle bundle : fileHandlers) {
                bundle.start(Bundle.START_TRANSIENT);
                StartupClock.mark("started " + bundle.getSymbolicName());
            }
        } catch (BundleException | IOException e) {
            stopAfterFailure(framework);
            throw new StartupException("cannot start the framework: " + describe(e));
        } catch (StartupException e) {
            stopAfterFailure(framework);
            throw e;
        }
        for (Path jar : options.plugins) {
            installPlugin(framework.getBundleContext(), jar);
        }
        return framework;
    }

    /**
     * On the training start that writes the class archive (see {@link ArchiveTraining}): links the
     * classes the bundles defined, so that the archive holds them, and says how many on standard
     * error (the build keeps it in its training log). Nothing on any other start.
     */
    void linkClassesForArchive() {
        if (archiveTraining != null) {
            ArchiveTraining.Result result = archiveTraining.linkDefinedClasses();
            archiveTraining = null;
            err.println("plugboard: linked " + result.linked() + " bundle classes for the class archive ("
                    + result.failed() + " could not be linked)");
        }
    }

    /** Installs and starts one plugin jar; a bad one gets one line on standard error, never an exception. */
    void installPlugin(BundleContext context, Path jar) {
        // Felix would try it as a bundle and say only "zip END header not found": a descriptor is for the go-plugin
        // handler, which takes it from the plugins folder or plugin:install, once the host runs.
        if (jar.getFileName() != null && jar.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".goplugin")) {
            err.println("plugboard: --plugin and " + Options.PLUGINS_ENV + " take plugin bundles (.jar); " + jar
                    + " is a go-plugin descriptor: put it in the plugins folder or use plugin:install");
            return;
        }
        Bundle bundle;
        try {
            bundle = context.installBundle(jar.toUri().toString());
        } catch (BundleException | RuntimeException e) {
            err.println("plugboard: cannot install plugin " + jar + ": " + describe(e));
            return;
        }
        try {
            if (!isFragment(bundle)) {
                // Transient: the framework must not start it on its own at the next start, before
                // the host (that start installs it again, if it is given again).
                bundle.start(Bundle.START_TRANSIENT);
            }
        } catch (BundleException | RuntimeException e) {
            err.println("plugboard: plugin " + jar + " is installed but did not start: " + describe(e));
        }
    }

    /**
     * Stops the framework after a failed start, once the example plugins are copied and the
     * bundles left aside installed (or failed): the JVM ends soon after, and must not cut a copy
     * short, leaving half a jar in the plugins folder or the framework cache.
     */
    private void stopAfterFailure(Framework framework) {
        awaitExamplesQuietly();
        try {
            awaitAsideInstall();
        } catch (StartupException e) {
            // Not reported: the start failed already, and that is the failure to report.
        }
        stopQuietly(framework);
    }

    /** Starts installing the boot bundles {@link BootSet#sync} left aside on a thread of its own; null if none. */
    private static FutureTask<List<Bundle>> startAsideInstall(BootSet.AsideInstall aside) {
        if (aside.isEmpty()) {
            return null;
        }
        FutureTask<List<Bundle>> task = new FutureTask<>(aside);
        Thread thread = new Thread(task, "plugboard-handler-install");
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    /**
     * Waits until the boot bundles left aside are installed and returns them (none if none were
     * left aside); rethrows the install's failure. An interrupt is kept for the caller, not lost.
     */
    private List<Bundle> awaitAsideInstall() throws StartupException {
        FutureTask<List<Bundle>> install = handlerInstall;
        if (install == null) {
            return List.of();
        }
        handlerInstall = null;
        try {
            // A copy into the framework cache must not be left half done.
            return getUninterruptibly(install);
        } catch (ExecutionException e) {
            throw new StartupException("cannot start the framework: " + describe(e.getCause()));
        }
    }

    /**
     * Offers the host the standard streams' sinks (see {@link ConsoleStream}), before any bundle
     * starts: Gogo's ThreadIO, once started, stands in front of System.out.
     */
    private static void registerConsole(BundleContext context) {
        if (System.out instanceof ConsoleStream out && System.err instanceof ConsoleStream err) {
            context.registerService(AtomicReference.class, out.sink(),
                    new Hashtable<>(Map.of(ConsoleStream.PROPERTY, "out")));
            context.registerService(AtomicReference.class, err.sink(),
                    new Hashtable<>(Map.of(ConsoleStream.PROPERTY, "err")));
        }
    }

    /** Boot bundles left out of the cache when missing: the shell's, unless the shell is to start. */
    private static final class ShellOnly implements Predicate<Attributes> {

        private final boolean startShell;

        ShellOnly(boolean startShell) {
            this.startShell = startShell;
        }

        @Override
        public boolean test(Attributes manifest) {
            return !startShell && isShellOnly(BootSet.symbolicName(manifest));
        }
    }

    /** Boot bundles installed aside when missing: those that declare a PluginFileHandler service. */
    private static final class DeclaresFileHandler implements Predicate<Attributes> {

        @Override
        public boolean test(Attributes manifest) {
            return declaresFileHandler(manifest);
        }
    }

    /**
     * Whether a bundle's main manifest attributes declare (as bnd writes for a DS component) an
     * {@code osgi.service} capability naming PluginFileHandler: {@link #providesFileHandler} for a
     * bundle not installed yet. A plain text match: a bundle it wrongly took would only be
     * installed aside, and started after the host, like a file handler.
     */
    static boolean declaresFileHandler(Attributes manifest) {
        String capabilities = manifest.getValue("Provide-Capability");
        return capabilities != null && capabilities.contains("osgi.service") && capabilities.contains(FILE_HANDLER_SERVICE);
    }

    /** {@link #awaitExamples}, for a start that failed already: that failure is the one to report. */
    void awaitExamplesQuietly() {
        try {
            awaitExamples();
        } catch (StartupException e) {
            // Not reported: see above.
        }
    }

    /**
     * Stops the framework and waits a bounded time so plugins can shut down cleanly. The bundles
     * that run plugins from files (go-plugin processes) stop first, while the host still logs
     * and serves: the framework alone would stop the host before them (it has a higher id).
     */
    static void stopQuietly(Framework framework) {
        try {
            stopFileHandlers(framework);
            framework.stop();
            framework.waitForStop(10_000);
        } catch (BundleException e) {
            // Stopping is best effort: the JVM is about to exit anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // By name, not by class: the launcher does not see the API's classes.
    private static final String FILE_HANDLER_SERVICE = "io.plugboard.api.deploy.PluginFileHandler";

    /** Whether the bundle declares (as bnd writes for a DS component) that it registers a PluginFileHandler. */
    static boolean providesFileHandler(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return false;
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities("osgi.service")) {
            Object classes = capability.getAttributes().get("objectClass");
            if (classes instanceof List<?> names ? names.contains(FILE_HANDLER_SERVICE) : FILE_HANDLER_SERVICE.equals(classes)) {
                return true;
            }
        }
        return false;
    }

    private static void stopFileHandlers(Framework framework) {
        BundleContext context = framework.getBundleContext();
        if (context == null) {
            return;
        }
        try {
            ServiceReference<?>[] handlers = context.getServiceReferences(FILE_HANDLER_SERVICE, null);
            for (ServiceReference<?> handler : handlers == null ? new ServiceReference<?>[0] : handlers) {
                Bundle bundle = handler.getBundle();
                if (bundle != null && bundle.getState() == Bundle.ACTIVE) {
                    bundle.stop(Bundle.STOP_TRANSIENT);
                }
            }
        } catch (InvalidSyntaxException | BundleException | IllegalStateException e) {
            // Best effort: framework.stop() stops them anyway.
        }
    }

    private static ClassLoader classLoaderOf(List<Bundle> bundles, String symbolicName, ClassLoader fallback) {
        for (Bundle bundle : bundles) {
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (symbolicName.equals(bundle.getSymbolicName()) && wiring != null) {
                return wiring.getClassLoader();
            }
        }
        return fallback;
    }

    // jline and Gogo's jline shell: needed only for a terminal.
    private static boolean isShellOnly(Bundle bundle) {
        return isShellOnly(bundle.getSymbolicName());
    }

    private static boolean isShellOnly(String symbolicName) {
        return SHELL_SYMBOLIC_NAME.equals(symbolicName) || JLINE_SYMBOLIC_NAME.equals(symbolicName);
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get("Fragment-Host") != null;
    }

    /**
     * Creates the folder if missing; fails with one line naming it when it cannot be, or when it
     * must be written to ({@code writes}) and cannot.
     *
     * @param why said after "is not writable", e.g. why the folder is written to
     */
    private void ensureDirectory(String what, Path dir, boolean writes, String why) throws StartupException {
        boolean existed = Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot create the " + what + " folder " + dir + ": " + reason(e));
        }
        if (writes && !writable.test(dir)) {
            if (!existed) {
                // Made just now and empty: gone again, the next start is still the first one.
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // Left empty; the message below still names it.
                }
            }
            throw new StartupException("the " + what + " folder " + dir + " is not writable" + why);
        }
    }

    /**
     * Short reason for a file-system failure in words, without the path the caller already names.
     * The JDK gives no reason for the commonest failures (a NoSuchFileException is only its path),
     * so those are worded here.
     */
    static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way (" + e.getMessage() + ")";
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String words = f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException
                            // createDirectories makes missing parents: this is a file system that takes no new folder
                            // there (such as /proc), or a parent removed meanwhile.
                            ? "no such file or directory (the file system does not let it be created there)"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : null;
            if (words != null) {
                return words;
            }
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    /** An exception's message plus its root cause's, which is often the telling part (bad zip). */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return message;
    }

    private static List<String> readIndex(String name) throws StartupException {
        List<String> entries = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(resource(name), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    entries.add(line.trim());
                }
            }
        } catch (IOException e) {
            throw new StartupException("plugboard.jar is damaged: cannot read " + name);
        }
        return entries;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Launcher.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is missing from plugboard.jar");
        }
        return in;
    }

    /** A start-up failure: one line for the user, exit code 1. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }
}
