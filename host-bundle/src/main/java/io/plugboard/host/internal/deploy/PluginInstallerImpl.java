package io.plugboard.host.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.host.internal.leaks.ThreadScan;
import io.plugboard.host.internal.registry.ReplacementNotice;
import io.plugboard.host.internal.text.NumberProperty;
import io.plugboard.host.internal.text.ThrowableText;
import io.plugboard.host.internal.weaving.ExitCallGuard;

/** Installs, updates and uninstalls plugin bundles, validating jars first. */
@Component(service = PluginInstaller.class)
public final class PluginInstallerImpl implements PluginInstaller {

    private static final String API_PACKAGE = "io.plugboard.api";
    private static final String SERVICE_NAMESPACE = "osgi.service";
    private static final String FILE_HANDLER = PluginFileHandler.class.getName();
    /** By bundle id; a class of its own rather than a lambda, as the host's start uses it. */
    private static final Comparator<Bundle> BY_ID = new Comparator<>() {
        @Override
        public int compare(Bundle a, Bundle b) {
            return Long.compare(a.getBundleId(), b.getBundleId());
        }
    };
    private static final long REFRESH_TIMEOUT_MILLIS = 30_000;
    /** From this many jars to install or waiting plugins on, they are handled on several threads. */
    static final int PARALLEL_MIN = 32;
    private static final int MAX_THREADS = 4;
    /** After this many failed starts of an activator with the same reason, it is not retried automatically. */
    static final int MAX_SAME_FAILURES = 3;
    static final String LEFT_THREADS = "not retried automatically: it left threads running; fix it and update it";

    private final BundleContext context;
    private final Logger logger;
    private final BundleDiagnostics diagnostics;
    private final PackageRefresher refresher;
    /** Where the runtime (its BootSet) installs the bundles it is made of, as {@code plugboard:boot/<file>#<id>}. */
    public static final String RUNTIME_LOCATION_PREFIX = "plugboard:boot/";

    private final ReplacementNotice replacementNotice;
    // The bound on a whole download from a URL (PluginSource.DOWNLOAD_TIMEOUT_PROPERTY).
    private final Duration downloadTimeout;
    // Every start runs with a deadline (TimedStarts.TIMEOUT_PROPERTY): one that hangs holds up nothing else.
    private final TimedStarts starts;
    // What each plugin was installed from, so a restart keeps those whose jar is unchanged.
    private final InstalledContents contents;
    // Why each bundle last failed to start, by bundle id; whyNotActive shows it.
    private final Map<Long, String> startFailures = new ConcurrentHashMap<>();
    // The bundles whose activator threw, by bundle id: whether and when they are tried again.
    private final Map<Long, FailedRun> failedRuns = new ConcurrentHashMap<>();
    // How many bundles that export packages or provide capabilities were installed or updated:
    // only such an arrival can bring what a failed activator lacked.
    private final AtomicLong arrivals = new AtomicLong();
    // The bundles this installer installed since the host started: those that import no
    // io.plugboard.api package are libraries it manages (see isLibrary).
    private final Set<Long> installedHere = ConcurrentHashMap.newKeySet();
    // The plugin names each bundle's components declare, by bundle id (see declaredBy).
    private final Map<Long, Declared> declared = new ConcurrentHashMap<>();
    // Optional: without SCR's runtime service an active plugin whose component failed is not told apart.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServiceComponentRuntime componentRuntime;
    // Optional: without the handlers, no plugin run from a file (a go-plugin) is known to share a jar's plugin name.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PluginFileHandlers fileHandlers;
    // Optional: without it a plugin's start failure is logged as the installer's line rather than the plugin's.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile LoggerFactory loggerFactory;
    // A class of its own rather than a method reference, as the host's start uses it.
    private final Consumer<Bundle> startOne = new Consumer<>() {
        @Override
        public void accept(Bundle bundle) {
            start(bundle);
        }
    };

    /**
     * Creates the installer; the registry is told of every update, so calls wait for the new version.
     * The guard is not used here: requiring it means its hook, which keeps plugins from calling
     * System.exit, is registered before this installer (and so the folder's first scan) starts any plugin.
     */
    @Activate
    public PluginInstallerImpl(BundleContext context, @Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            @Reference(name = "replacementNotice") ReplacementNotice replacementNotice,
            @Reference(name = "exitCallGuard") ExitCallGuard exitCallGuard) {
        this(context, logger, replacementNotice);
    }

    /** Creates the installer without the weaving hook's ordering, for tests that have no SCR. */
    PluginInstallerImpl(BundleContext context, Logger logger, ReplacementNotice replacementNotice) {
        this.context = context;
        this.logger = logger;
        this.diagnostics = new BundleDiagnostics(context);
        this.refresher = new PackageRefresher(context, REFRESH_TIMEOUT_MILLIS);
        this.replacementNotice = replacementNotice;
        this.contents = loadContents(context, logger);
        this.downloadTimeout = downloadTimeout(context.getProperty(PluginSource.DOWNLOAD_TIMEOUT_PROPERTY), logger);
        this.starts = new TimedStarts(startTimeout(context.getProperty(TimedStarts.TIMEOUT_PROPERTY), logger));
        context.addBundleListener(frameworkStop);
    }

    /**
     * The framework's stop begins with the system bundle's STOPPING, before any other bundle
     * stops: a start that hangs is interrupted then, as the framework would wait for it forever
     * when it comes to stop that bundle, and never stop the host and the plugins after it.
     */
    private final SynchronousBundleListener frameworkStop = event -> {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0) {
            interruptHangingStarts();
        }
    };

    private void interruptHangingStarts() {
        try {
            if (!starts.interruptHanging(ExecutorStop.INTERRUPTED_MILLIS)) {
                logger.warn("A plugin's start that did not return within {} ignores its interrupt: the framework's stop"
                        + " waits for it", TimedStarts.seconds(starts.timeout()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the start timeout; a bad value is reported and the default used. */
    private static Duration startTimeout(String millis, Logger logger) {
        return Duration.ofMillis(NumberProperty.millis(TimedStarts.TIMEOUT_PROPERTY, millis, 1,
                TimedStarts.DEFAULT_TIMEOUT.toMillis(), logger));
    }

    /** Reads the download timeout; a bad value is reported and the default used. */
    private static Duration downloadTimeout(String millis, Logger logger) {
        return Duration.ofMillis(NumberProperty.millis(PluginSource.DOWNLOAD_TIMEOUT_PROPERTY, millis, 1,
                PluginSource.DOWNLOAD_TIMEOUT.toMillis(), logger));
    }

    /** The source a user typed, with the download timeout. */
    private PluginSource source(String pathOrUrl) {
        return PluginSource.parse(pathOrUrl).withDownloadTimeout(downloadTimeout);
    }

    // A failure to read is told by the folder's first scan, with what it does then (see missingRecord).
    private static InstalledContents loadContents(BundleContext context, Logger logger) {
        Consumer<IOException> writeFailed = e -> logger.warn("Cannot write what the plugins were installed from ({});"
                + " should Plugboard not stop cleanly, the next start installs each cached plugin again from its jar: {}",
                InstalledContents.FILE_NAME, e.toString());
        try {
            return InstalledContents.load(context, writeFailed);
        } catch (IOException e) {
            return InstalledContents.empty(context, writeFailed, InstalledContents.FILE_NAME + " cannot be read: " + e);
        }
    }

    /** Saves what each plugin was installed from, for the next start (written as it changes too). */
    @Deactivate
    public void deactivate() {
        context.removeBundleListener(frameworkStop);
        starts.close();
        try {
            contents.save();
        } catch (IOException e) {
            logger.warn("Cannot save what the plugins were installed from ({}); the next start installs each again: {}",
                    InstalledContents.FILE_NAME, e.toString());
        }
    }

    /** Creates an installer whose updates tell no registry, for tests without one. */
    public PluginInstallerImpl(BundleContext context, Logger logger) {
        this(context, logger, bundle -> () -> { });
    }

    @Override
    public Bundle install(String pathOrUrl) {
        Bundle bundle = installWithoutStart(pathOrUrl, BundleIdentities.of(context));
        attachFragments(List.of(bundle));
        startWaitingPlugins();
        return bundle;
    }

    @Override
    public List<Bundle> installAll(List<String> pathsOrUrls, BiConsumer<String, PluginInstallException> onFailure) {
        int threads = pathsOrUrls.size() < PARALLEL_MIN ? 1 : threads();
        // The record is written once for the whole batch.
        try (WriteBatch batch = contents.hold()) {
            return installAll(pathsOrUrls, onFailure, threads);
        }
    }

    /**
     * {@link #installAll(List, BiConsumer)} on the given number of threads. One installs the jars
     * in list order. More read, check and install several jars at once, while {@link InstallTurns}
     * decides in list order which of two jars of one location or name and version is installed:
     * Felix 7 lets installs of different locations run at once (it locks per location, and takes
     * its global lock only to add the bundle), and it writes a cache folder and files per bundle,
     * whose waits on the file system another thread fills. Either way the failures are reported
     * in list order on the calling thread, and the bundles are listed in list order; on several
     * threads the bundle ids no longer follow the list order.
     */
    List<Bundle> installAll(List<String> pathsOrUrls, BiConsumer<String, PluginInstallException> onFailure, int threads) {
        // Listed once for the batch, not once per jar: 1000 jars against 1000 bundles add up.
        BundleIdentities identities = BundleIdentities.of(context);
        List<Bundle> installed = new ArrayList<>();
        if (threads < 2) {
            for (String pathOrUrl : pathsOrUrls) {
                try {
                    installed.add(installWithoutStart(pathOrUrl, identities));
                } catch (PluginInstallException e) {
                    onFailure.accept(pathOrUrl, e);
                }
            }
        } else {
            int count = pathsOrUrls.size();
            Bundle[] bundles = new Bundle[count];
            PluginInstallException[] failures = new PluginInstallException[count];
            InstallTurns turns = new InstallTurns(context, identities, count);
            List<Integer> indexes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                indexes.add(i);
            }
            // Each index is written by the one thread that handles it; the joins make it seen here.
            ParallelLoop.run(indexes, i -> {
                try {
                    bundles[i] = installWithoutStart(pathsOrUrls.get(i), new InTurn(i, turns));
                } catch (PluginInstallException e) {
                    failures[i] = e;
                } finally {
                    turns.pass(i);
                }
            }, threads, "plugboard-plugin-install");
            for (int i = 0; i < count; i++) {
                if (failures[i] != null) {
                    onFailure.accept(pathsOrUrls.get(i), failures[i]);
                } else {
                    installed.add(bundles[i]);
                }
            }
        }
        attachFragments(installed);
        // Start only after all are installed, so plugins that need each other resolve together.
        startWaitingPlugins();
        return installed;
    }

    @Override
    public Bundle update(Bundle bundle, String pathOrUrl) {
        checkIsPlugin(bundle);
        PluginSource source = pathOrUrl == null ? sourceOf(bundle) : source(pathOrUrl);
        String before = bundle.getVersion().toString();
        // From the old version stopping to the new one started, calls wait for it (not for another plugin);
        // the record is written once, as the update ends (or is rolled back).
        try (ReplacementNotice.Replacement notice = replacementNotice.replacing(bundle);
                WriteBatch batch = contents.hold()) {
            replace(bundle, source, before);
        }
        return bundle;
    }

    /**
     * Updates the bundle from the source, refreshes it and starts it (and any plugin now startable).
     * The bundle is stopped first: Bundle.update alone restarts an active bundle at once and the
     * refresh then restarts it again, so the new version would activate twice (and a stateful
     * plugin would hand its state over to a short-lived instance in between).
     *
     * <p>A running plugin is only replaced by a version that runs: if the new version cannot
     * resolve (an import the host does not export) or its start fails, the bundle is updated back
     * to the version that ran, which starts again and takes back the state it handed over, and
     * the update is refused. The caller's replacement notice covers all of it, so calls wait for
     * the plugin instead of failing over to another of its type or failing.
     */
    private void replace(Bundle bundle, PluginSource source, String before) {
        awaitStartEnd(bundle, "update");
        boolean wasActive = bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING;
        withValidatedJar(source, (jar, content) -> {
            if (!jar.symbolicName().equals(bundle.getSymbolicName())) {
                throw new PluginInstallException(source.displayName() + " is " + jar.symbolicName()
                        + ", but bundle " + bundle.getBundleId() + " is " + bundle.getSymbolicName()
                        + "; install it as a new plugin instead (in the plugins folder: under another file name)");
            }
            checkNoDuplicate(jar, bundle);
            checkNamesFree(source, content);
            checkNoBundleDeclares(source, jar, content, bundle);
            // Only a running version is worth going back to; one that did not run is simply replaced.
            Running running = wasActive ? running(bundle) : null;
            // What the running version's exports are wired to: the refresh rewires those bundles to the new one.
            BundleWiring oldWiring = bundle.adapt(BundleWiring.class);
            // Forgotten first: should the update fail halfway, no entry claims either content.
            contents.forget(bundle);
            try (InputStream in = content.open()) {
                if (wasActive) {
                    // Transient, as plugins are started (see start).
                    bundle.stop(Bundle.STOP_TRANSIENT);
                }
                bundle.update(in);
                contents.record(bundle, content.fingerprint());
            } catch (BundleException | IOException e) {
                if (wasActive) {
                    start(bundle); // the old version serves again
                }
                throw new PluginInstallException("Cannot update " + BundleNames.describe(bundle) + ": " + e.getMessage(), e);
            }
            startFailures.remove(bundle.getBundleId());
            // Updated: a new version, or the same jar on purpose (plugin:update): tried afresh.
            failedRuns.remove(bundle.getBundleId());
            if (running != null) {
                // Judged before the refresh, which would restart them against the new version and fail.
                List<String> broken = brokenDependents(bundle, oldWiring);
                if (!broken.isEmpty()) {
                    refuse(bundle, running, "not updated: " + jar + " (" + source.displayName() + ") would break "
                            + String.join("; and ", broken));
                }
            }
            refresh(bundle);
            if (running != null) {
                startOrRollBack(bundle, running, jar, source);
            }
        });
        logger.info("Updated plugin {} from {} to {} (bundle {})", bundle.getSymbolicName(), before,
                bundle.getVersion(), bundle.getBundleId());
        arrived(bundle);
        startWaitingPlugins();
    }

    /** The version that runs, kept to go back to: its entries, and the content it was installed from if known. */
    private record Running(String name, byte[] jar, Optional<JarContent> content) {
    }

    private Running running(Bundle bundle) {
        try {
            return new Running(bundle.getSymbolicName() + " " + bundle.getVersion(), RevisionJar.of(bundle),
                    contents.of(bundle));
        } catch (IOException | IllegalStateException e) {
            // Without a copy a failed update could not be undone: the running version stays.
            throw new PluginInstallException("Cannot update " + BundleNames.describe(bundle)
                    + ": cannot keep a copy of the running version to go back to (" + e.getMessage()
                    + "); it keeps serving", e);
        }
    }

    /**
     * Starts the new version; if it cannot resolve or its start fails, puts the running version
     * back and refuses the update, saying why and what serves.
     */
    private void startOrRollBack(Bundle bundle, Running running, PluginJar jar, PluginSource source) {
        String failure;
        try {
            Optional<String> component = startTransiently(bundle, true);
            if (component.isEmpty()) {
                return;
            }
            failure = "failed to start: " + component.get();
            stopQuietly(bundle);
        } catch (BundleException | IllegalStateException e) {
            failure = whyNotStarted(bundle, e);
        } catch (TimedStarts.TimedOut e) {
            // The framework holds the bundle while its start runs: the running version cannot be put back.
            String hang = hangWarning(bundle);
            loggerOf(bundle).warn(hang);
            throw new PluginInstallException("Updated " + BundleNames.describe(bundle) + " from " + source.displayName()
                    + ", but " + hang);
        }
        // Worded before the roll-back: the reasons are those of the new version's requirements.
        refuse(bundle, running, "not updated: " + jar + " (" + source.displayName() + ") " + failure);
    }

    /** Puts the running version back and refuses the update, saying why ({@code refused}) and what serves. */
    private void refuse(Bundle bundle, Running running, String refused) {
        String undone = rollBack(bundle, running);
        // The caller reports it (the shell's Error, the folder's warning): logged here only as what was done.
        logger.info("Refused the update of {} {} (bundle {}): {}", kind(bundle), bundle.getSymbolicName(),
                bundle.getBundleId(), refused + undone);
        startWaitingPlugins();
        throw new PluginInstallException(refused + undone);
    }

    /**
     * The running bundles wired to the updated bundle's old revision ({@code oldWiring}) that its
     * new revision could not serve, each with the requirement it would leave unsatisfied (a
     * library's export moved to a version outside a plugin's import range, say): the refresh
     * would rewire them to the new revision, and they would stop and not start again. A
     * requirement another resolved bundle satisfies is no loss.
     */
    private List<String> brokenDependents(Bundle bundle, BundleWiring oldWiring) {
        BundleRevision updated = bundle.adapt(BundleRevision.class);
        // No wires once the update dropped the old revision at once: nothing was wired to it.
        List<BundleWire> wires = oldWiring == null ? null : oldWiring.getProvidedWires(null);
        if (wires == null || updated == null) {
            return List.of();
        }
        Map<Bundle, List<String>> lost = new TreeMap<>(BY_ID);
        for (BundleWire wire : wires) {
            Bundle user = wire.getRequirer().getBundle();
            BundleRequirement requirement = wire.getRequirement();
            if (user.equals(bundle) || (user.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0
                    || isSatisfied(requirement, bundle, updated)) {
                continue;
            }
            lost.computeIfAbsent(user, u -> new ArrayList<>()).add(describeLoss(requirement, updated));
        }
        List<String> broken = new ArrayList<>();
        lost.forEach((user, reasons) -> broken.add("the running " + kind(user) + " " + BundleNames.describe(user)
                + ": it " + String.join("; it ", reasons)));
        return broken;
    }

    /** Whether the new revision, or another resolved bundle, has a capability the requirement matches. */
    private boolean isSatisfied(BundleRequirement requirement, Bundle bundle, BundleRevision updated) {
        for (BundleCapability capability : updated.getDeclaredCapabilities(requirement.getNamespace())) {
            if (requirement.matches(capability)) {
                return true;
            }
        }
        for (Bundle other : context.getBundles()) {
            BundleWiring wiring = other.equals(bundle) ? null : other.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability capability : wiring.getCapabilities(requirement.getNamespace())) {
                if (requirement.matches(capability)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The requirement the new revision leaves unsatisfied, in plain words, with what it offers instead. */
    private static String describeLoss(BundleRequirement requirement, BundleRevision updated) {
        String filter = requirement.getDirectives().get(Constants.FILTER_DIRECTIVE);
        String newVersion = updated.getSymbolicName() + " " + updated.getVersion();
        if (!PackageNamespace.PACKAGE_NAMESPACE.equals(requirement.getNamespace())) {
            return "requires " + requirement.getNamespace() + " " + filter + ", which " + newVersion + " does not provide";
        }
        String pkg = RequirementFilters.packageName(filter).orElse("");
        List<String> exported = new ArrayList<>();
        for (BundleCapability capability : updated.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                exported.add(pkg + " " + capability.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
            }
        }
        return "imports " + RequirementFilters.describePackage(filter) + ", but " + newVersion
                + (exported.isEmpty() ? " does not export it" : " exports " + String.join(" and ", exported));
    }

    /** Stops the new version whose component failed, before the running one is put back. */
    private void stopQuietly(Bundle bundle) {
        try {
            bundle.stop(Bundle.STOP_TRANSIENT);
        } catch (BundleException | IllegalStateException e) {
            // Bundle.update stops it anyway; this only spares the framework the restart it would try.
            logger.debug("Cannot stop {}: {}", BundleNames.describe(bundle), e.getMessage());
        }
    }

    /** Why the new version did not start: the imports it lacks, or the framework's reason. */
    private String whyNotStarted(Bundle bundle, Exception e) {
        if (bundle.getState() != Bundle.INSTALLED) {
            return "failed to start: " + StartFailure.reason(e);
        }
        List<String> missing = diagnostics.unsatisfiedRequirements(bundle);
        return "cannot resolve: " + (missing.isEmpty() ? e.getMessage() : "it " + String.join("; it ", missing));
    }

    /**
     * Updates the bundle back to the running version's entries, refreshes and starts it; says
     * what serves now, for the message. The state the running version handed over when it
     * stopped is still kept for it, so it takes it back as it starts.
     */
    private String rollBack(Bundle bundle, Running running) {
        contents.forget(bundle);
        try (InputStream in = new ByteArrayInputStream(running.jar())) {
            bundle.update(in);
        } catch (BundleException | IOException e) {
            refresh(bundle);
            return "; and " + running.name() + " could not be put back (" + e.getMessage() + "): bundle "
                    + bundle.getBundleId() + " is " + bundle.getVersion() + " and does not run";
        }
        // The same content as before the update: a restart keeps it only if its jar still has it.
        running.content().ifPresent(c -> contents.record(bundle, c));
        startFailures.remove(bundle.getBundleId());
        failedRuns.remove(bundle.getBundleId());
        refresh(bundle);
        start(bundle);
        if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING) {
            return "; " + running.name() + " was put back but does not start: " + whyNotActive(bundle).orElse("?");
        }
        return "; " + running.name() + " keeps serving";
    }

    @Override
    public void removingOnPurpose(Collection<String> pluginNames, long bundleId) {
        replacementNotice.removing(pluginNames, bundleId);
    }

    @Override
    public void uninstall(Bundle bundle) {
        uninstall(bundle, false);
    }

    @Override
    public void uninstallLeft(Bundle bundle) {
        uninstall(bundle, true);
    }

    private void uninstall(Bundle bundle, boolean jarLeft) {
        checkIsPlugin(bundle);
        awaitStartEnd(bundle, "uninstall");
        String name = kind(bundle) + " " + bundle.getSymbolicName() + " " + bundle.getVersion();
        // Before it goes, so that a type it serves as selected moves on at once instead of waiting
        // for it; unless its jar only left the folder, and may be back in a moment.
        if (jarLeft) {
            replacementNotice.leaving(bundle);
        } else {
            replacementNotice.removing(bundle);
        }
        try (WriteBatch batch = contents.hold()) {
            contents.forget(bundle);
            contents.forgetMove(bundle);
        }
        // The refresh below restarts these against what is left; one that cannot resolve then is told.
        List<Bundle> users = runningUsers(bundle);
        try {
            bundle.uninstall();
        } catch (BundleException e) {
            throw new PluginInstallException("Cannot uninstall " + BundleNames.describe(bundle) + ": " + e.getMessage(), e);
        }
        startFailures.remove(bundle.getBundleId());
        failedRuns.remove(bundle.getBundleId());
        installedHere.remove(bundle.getBundleId());
        declared.remove(bundle.getBundleId());
        // Only if its code may still be in use: a bundle never resolved (one kept in the cache
        // and found stale at a restart) is gone at once, and a refresh would only be waited for.
        if (wiring().getRemovalPendingBundles().contains(bundle)) {
            refresh(bundle);
        }
        logger.info("Uninstalled {} (bundle {})", name, bundle.getBundleId());
        for (Bundle user : users) {
            if ((user.getState() & (Bundle.ACTIVE | Bundle.STARTING | Bundle.UNINSTALLED)) == 0) {
                // The framework's restart failed with only a FrameworkEvent ERROR: tried once more, the
                // failure is the one-line warning with the reason that every plugin not active gets.
                start(user);
            }
        }
    }

    /** The running bundles, other than itself, wired to what the bundle provides. */
    private static List<Bundle> runningUsers(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        List<BundleWire> wires = wiring == null ? null : wiring.getProvidedWires(null);
        List<Bundle> users = new ArrayList<>();
        if (wires == null) {
            return users;
        }
        for (BundleWire wire : wires) {
            Bundle user = wire.getRequirer().getBundle();
            if (!user.equals(bundle) && !users.contains(user) && (user.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                users.add(user);
            }
        }
        users.sort(BY_ID);
        return users;
    }

    @Override
    public void moved(Bundle bundle, Path file) {
        contents.moved(bundle, PluginSource.locationOf(file));
        logger.info("Plugin {} {} (bundle {}) now runs from {} (its location stays {})", bundle.getSymbolicName(),
                bundle.getVersion(), bundle.getBundleId(), file, bundle.getLocation());
    }

    @Override
    public Optional<Path> movedFile(Bundle bundle) {
        return contents.movedTo(bundle).flatMap(PluginSource::fileOf);
    }

    @Override
    public Optional<Bundle> movedBundle(Path file) {
        Optional<Long> id = contents.movedFrom(PluginSource.locationOf(file));
        return id.isPresent() ? Optional.ofNullable(context.getBundle(id.get())) : Optional.empty();
    }

    @Override
    public boolean hasContentOf(Bundle bundle, Path file) {
        Optional<JarContent> recorded = contents.of(bundle);
        if (recorded.isEmpty()) {
            return false;
        }
        try {
            return recorded.get().equals(JarContent.of(file));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean knowsContentOf(Bundle bundle) {
        return contents.of(bundle).isPresent();
    }

    @Override
    public Optional<String> missingRecord() {
        return contents.missing().map(why -> why + " (" + contents.file() + ")");
    }

    @Override
    public WriteBatch batch() {
        return contents.hold();
    }

    /** How many times the record of what the plugins were installed from was written; for tests of the batching. */
    int recordWrites() {
        return contents.writes();
    }

    @Override
    public void startWaiting() {
        startWaitingPlugins();
    }

    @Override
    public List<Bundle> pluginBundles() {
        return Stream.of(context.getBundles())
                .filter(this::isPlugin)
                .sorted(Comparator.comparingLong(Bundle::getBundleId))
                .collect(Collectors.toList());
    }

    @Override
    public boolean isPlugin(Bundle bundle) {
        return bundle.getBundleId() != context.getBundle().getBundleId() && (importsApi(bundle) || isLibrary(bundle));
    }

    /**
     * A bundle that imports no {@code io.plugboard.api} package, installed by this installer
     * (from the plugins folder or plugin:install) since the host started, or kept from before a
     * clean restart: a library a plugin may need, or a bundle with services of its own. As
     * Felix FileInstall does with any bundle dropped in its folder, it is started and managed as
     * a plugin bundle is; bundles installed past the installer (the runtime's own, a test's) are not.
     */
    @Override
    public boolean isLibrary(Bundle bundle) {
        long id = bundle.getBundleId();
        return id != 0 && id != context.getBundle().getBundleId() && bundle.getState() != Bundle.UNINSTALLED
                && (installedHere.contains(id) || contents.of(bundle).isPresent())
                && !bundle.getLocation().startsWith(RUNTIME_LOCATION_PREFIX) && !importsApi(bundle);
    }

    /** How the log names the bundle: {@code plugin}, {@code fragment} for a fragment, or {@code library} for a library. */
    private String kind(Bundle bundle) {
        return isFragment(bundle) ? "fragment" : isLibrary(bundle) ? "library" : "plugin";
    }

    @Override
    public boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    @Override
    public Optional<String> startFailure(Bundle bundle) {
        if (starts.isHanging(bundle)) {
            return Optional.empty();
        }
        return bundle.getState() == Bundle.RESOLVED ? Optional.ofNullable(startFailures.get(bundle.getBundleId()))
                : Optional.empty();
    }

    @Override
    public Optional<String> whyNotResolved(Bundle bundle) {
        if (bundle.getState() != Bundle.INSTALLED) {
            return Optional.empty();
        }
        if (isFragment(bundle)) {
            Optional<String> unattached = whyNotAttached(bundle);
            if (unattached.isPresent()) {
                return unattached;
            }
        }
        List<String> missing = diagnostics.unsatisfiedRequirements(bundle);
        return Optional.of(missing.isEmpty() ? "not resolved" : "not resolved: it " + String.join("; it ", missing));
    }

    @Override
    public Map<String, String> declaredPlugins(Bundle bundle) {
        return DeclaredPluginNames.plugins(bundle);
    }

    @Override
    public Optional<String> whyNotActive(Bundle bundle) {
        Optional<String> hang = startHang(bundle);
        if (hang.isPresent()) {
            return Optional.of(BundleNames.describe(bundle) + " " + hang.get());
        }
        if (isFragment(bundle)) {
            // Attached (resolved), a fragment is all it can be: it is never started.
            if (bundle.getState() == Bundle.RESOLVED) {
                return Optional.empty();
            }
            Optional<String> unattached = whyNotAttached(bundle);
            if (unattached.isPresent()) {
                return Optional.of(BundleNames.describe(bundle) + " is " + unattached.get());
            }
        }
        Optional<String> why = diagnostics.whyNotActive(bundle, startFailures.get(bundle.getBundleId()));
        // An active bundle runs no plugin if its component threw in activate: say so, not nothing.
        return why.isPresent() ? why : ComponentFailures.of(componentRuntime, bundle);
    }

    private Bundle installWithoutStart(String pathOrUrl, BundleIdentities identities) {
        return installWithoutStart(pathOrUrl, new AfterIdentities(identities));
    }

    /** Reads and checks the jar, then has {@code how} install its content. */
    private Bundle installWithoutStart(String pathOrUrl, CheckedInstall how) {
        PluginSource source = source(pathOrUrl);
        // Refused before it is read (a jar of a parallel batch is checked again in its turn).
        checkLocationFree(context, source);
        // The usual case without lambdas: a first start's scan installs every example plugin this
        // way, and each lambda's class (with the method handles behind it) is made at first use.
        Bundle bundle;
        try (PluginSource.Fetched fetched = source.fetch()) {
            Checked inMemory = checkedInMemory(fetched);
            if (inMemory != null) {
                checkNamesFree(source, inMemory.content());
                bundle = how.install(source, inMemory.jar(), inMemory.content());
            } else {
                Bundle[] installed = new Bundle[1];
                withValidatedCopyContent(source, fetched, (jar, content) -> {
                    checkNamesFree(source, content);
                    installed[0] = how.install(source, jar, content);
                });
                bundle = installed[0];
            }
        }
        logInstalled(bundle, source);
        return bundle;
    }

    /** Installs a validated jar's content, or refuses it. */
    private interface CheckedInstall {
        Bundle install(PluginSource source, PluginJar jar, Content content);
    }

    /** One by one: refused if a bundle of its name and version is installed. */
    private final class AfterIdentities implements CheckedInstall {

        private final BundleIdentities identities;

        AfterIdentities(BundleIdentities identities) {
            this.identities = identities;
        }

        @Override
        public Bundle install(PluginSource source, PluginJar jar, Content content) {
            return installChecked(source, identities, jar, content);
        }
    }

    /** A jar of a batch installed on several threads: installed once its turn lets it through. */
    private final class InTurn implements CheckedInstall {

        private final int index;
        private final InstallTurns turns;

        InTurn(int index, InstallTurns turns) {
            this.index = index;
            this.turns = turns;
        }

        @Override
        public Bundle install(PluginSource source, PluginJar jar, Content content) {
            InstallTurns.Claim claim = turns.claim(index, source, jar, content.pluginNames(),
                    () -> checkNoBundleDeclares(source, jar, content, null));
            Bundle bundle = null;
            try {
                bundle = installContent(source, content);
                return bundle;
            } finally {
                turns.ended(claim, bundle);
            }
        }
    }

    private void logInstalled(Bundle bundle, PluginSource source) {
        logger.info("Installed {} {} {} (bundle {}) from {}", kind(bundle), bundle.getSymbolicName(), bundle.getVersion(),
                bundle.getBundleId(), source.location());
    }

    /** Refuses a source whose location is installed already. */
    static void checkLocationFree(BundleContext context, PluginSource source) {
        Bundle existing = context.getBundle(source.location());
        if (existing != null) {
            throw new PluginInstallException(source.displayName() + " is already installed as bundle "
                    + existing.getBundleId() + "; use plugin:update");
        }
    }

    /**
     * Refuses a jar that declares a plugin (see {@link DeclaredPluginNames}) that a handler runs
     * from a file, such as a go-plugin of that name: both would serve under one name, and
     * plugin:use, info, update and uninstall could not tell them apart. As a descriptor naming a
     * plugin that runs already is refused, the one that came second is; the watched folder judges
     * the jar again when a plugin leaves. Reads nothing while no plugin runs from a file.
     */
    private void checkNamesFree(PluginSource source, Content content) {
        Map<String, PluginFile> fromFiles = filePlugins();
        if (fromFiles.isEmpty()) {
            return;
        }
        for (String name : content.pluginNames()) {
            PluginFile file = fromFiles.get(name);
            if (file != null) {
                throw new PluginInstallException(source.displayName() + " declares the plugin " + name
                        + ", which already runs from " + file.file() + "; a bundle and a plugin run from a file cannot"
                        + " share a name: give the bundle's plugin another name or uninstall "
                        + file.file().getFileName() + " first");
            }
        }
    }

    /** The plugins the handlers run from files now, by name. */
    private Map<String, PluginFile> filePlugins() {
        PluginFileHandlers handlers = fileHandlers;
        Map<String, PluginFile> byName = new HashMap<>();
        if (handlers == null) {
            return byName;
        }
        for (FileHandler handler : handlers.handlers()) {
            try {
                for (PluginFile file : handler.handler().installed()) {
                    byName.putIfAbsent(file.pluginName(), file);
                }
            } catch (RuntimeException e) {
                logger.debug("Cannot ask {} which plugins it runs: {}", handler.describe(), e.toString());
            }
        }
        return byName;
    }

    /** Installs a validated jar's content, unless a bundle of its name and version is installed. */
    private Bundle installChecked(PluginSource source, BundleIdentities identities, PluginJar jar, Content content) {
        Optional<Bundle> other = identities.find(jar);
        if (other.isPresent()) {
            throw duplicate(jar, other.get());
        }
        checkNoBundleDeclares(source, jar, content, null);
        Bundle bundle = installContent(source, content);
        identities.add(bundle);
        return bundle;
    }

    /**
     * Refuses a jar that declares a plugin, at its version, that a bundle of another symbolic
     * name declares too: both would serve under one name and version, and plugin:use (which
     * takes a name and a version) could only ever pick one. As for a go-plugin of a bundle's
     * name, the one that came second is refused, naming the first; the watched folder judges
     * the jar again when a bundle leaves. Bundles of the jar's own symbolic name are its other
     * versions, side by side. Reads the jar's component descriptions only if some bundle of its
     * version and another name declares plugins.
     *
     * @param except the bundle being updated, or null
     */
    private void checkNoBundleDeclares(PluginSource source, PluginJar jar, Content content, Bundle except) {
        for (Bundle other : context.getBundles()) {
            if (other.equals(except) || !jar.version().equals(other.getVersion())
                    || jar.symbolicName().equals(other.getSymbolicName()) || other.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            Set<String> theirs = declaredBy(other);
            if (theirs.isEmpty()) {
                continue;
            }
            for (String name : content.pluginNames()) {
                if (theirs.contains(name)) {
                    throw new PluginInstallException(source.displayName() + " declares the plugin " + name + " "
                            + jar.version() + ", which bundle " + other.getBundleId() + " (" + other.getSymbolicName()
                            + " " + other.getVersion() + ", from " + shownLocation(other) + ") declares already; two"
                            + " bundles cannot serve one plugin name and version (plugin:use could not tell them apart):"
                            + " give the plugin another name or version, or uninstall bundle " + other.getBundleId()
                            + " first");
                }
            }
        }
    }

    /** The plugin names an installed bundle declares, read once for each of its revisions. */
    private Set<String> declaredBy(Bundle bundle) {
        long lastModified = bundle.getLastModified();
        Declared known = declared.get(bundle.getBundleId());
        if (known != null && known.lastModified() == lastModified) {
            return known.names();
        }
        Set<String> names = DeclaredPluginNames.of(bundle);
        declared.put(bundle.getBundleId(), new Declared(lastModified, names));
        return names;
    }

    /** A bundle's declared plugin names, for the revision installed or updated at {@code lastModified}. */
    private record Declared(long lastModified, Set<String> names) {
    }

    /** Where the bundle came from, as a user knows it: the file for a file, else its location. */
    private static String shownLocation(Bundle bundle) {
        return PluginSource.fileOf(bundle.getLocation()).map(Path::toString).orElse(bundle.getLocation());
    }

    /** Hands the content to the framework and records what the bundle was installed from. */
    private Bundle installContent(PluginSource source, Content content) {
        try (InputStream in = content.open()) {
            Bundle bundle = context.installBundle(source.location(), in);
            contents.record(bundle, content.fingerprint());
            installedHere.add(bundle.getBundleId());
            arrived(bundle);
            // Names read for the checks are kept, so the next jar's check need not read the bundle's entries.
            if (content.pluginNames != null) {
                declared.put(bundle.getBundleId(), new Declared(bundle.getLastModified(), content.pluginNames));
            }
            return bundle;
        } catch (BundleException | IOException e) {
            throw new PluginInstallException("Cannot install " + source.displayName() + ": " + e.getMessage(), e);
        }
    }

    /** Opens a stream the caller closes. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** The validated bytes for the framework, what they are, and the plugin names they declare. */
    private static final class Content {

        private final Opener opener;
        private final JarContent fingerprint;
        // Read at the first question only: most installs never ask. One thread handles a content.
        private Set<String> pluginNames;

        Content(Opener opener, JarContent fingerprint) {
            this.opener = opener;
            this.fingerprint = fingerprint;
        }

        InputStream open() throws IOException {
            return opener.open();
        }

        JarContent fingerprint() {
            return fingerprint;
        }

        /** The plugin names its components declare (see {@link DeclaredPluginNames}); none if it cannot be read. */
        Set<String> pluginNames() {
            if (pluginNames == null) {
                try (InputStream in = open()) {
                    pluginNames = DeclaredPluginNames.of(in);
                } catch (IOException e) {
                    // Checked already: the install words what cannot be read.
                    pluginNames = Set.of();
                }
            }
            return pluginNames;
        }
    }

    /** Opens the bytes of a jar read into memory. */
    private static final class BytesOpener implements Opener {

        private final byte[] bytes;

        BytesOpener(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    /**
     * Validates the jar and hands it to the action as exactly the bytes that were checked, even
     * if the original is being rewritten meanwhile. Usually the jar is read into memory once and
     * checked there ({@link JarBytes}); a large jar, or one the in-memory check cannot vouch
     * for, goes through a private temporary copy and {@link PluginJar#read}, which words the problem.
     */
    private void withValidatedJar(PluginSource source, BiConsumer<PluginJar, Content> action) {
        // Fetched once: a URL is not downloaded again for the private copy (it may be single-use).
        try (PluginSource.Fetched fetched = source.fetch()) {
            Checked inMemory = checkedInMemory(fetched);
            if (inMemory != null) {
                action.accept(inMemory.jar(), inMemory.content());
                return;
            }
            withValidatedCopyContent(source, fetched, action);
        }
    }

    /** A jar checked in memory, with the bytes that were checked. */
    private record Checked(PluginJar jar, Content content) {
    }

    /** The jar read into memory and checked there; null when it has to go through a private copy. */
    private static Checked checkedInMemory(PluginSource.Fetched fetched) {
        Optional<byte[]> bytes = fetched.bytes();
        if (bytes.isEmpty()) {
            return null;
        }
        Optional<PluginJar> jar = JarBytes.check(bytes.get());
        return jar.isPresent()
                ? new Checked(jar.get(), new Content(new BytesOpener(bytes.get()), JarContent.of(bytes.get())))
                : null;
    }

    /** The private-copy way of {@link #withValidatedJar}: the action gets the copy's content. */
    private void withValidatedCopyContent(PluginSource source, PluginSource.Fetched fetched,
            BiConsumer<PluginJar, Content> action) {
        withValidatedCopy(source, fetched, (checked, copy) -> action.accept(checked,
                new Content(() -> Files.newInputStream(copy), fingerprintOfCopy(source, copy))));
    }

    /** The content of the private copy of a jar. */
    private static JarContent fingerprintOfCopy(PluginSource source, Path copy) {
        try {
            return JarContent.of(copy);
        } catch (IOException e) {
            throw new PluginInstallException("Cannot read the copy of " + source.displayName() + ": " + e.getMessage(), e);
        }
    }

    /** Copies the jar to a private temporary file, validates it and hands both to the action. */
    private void withValidatedCopy(PluginSource source, PluginSource.Fetched fetched, BiConsumer<PluginJar, Path> action) {
        Path copy;
        try {
            copy = Files.createTempFile("plugboard-", ".jar");
        } catch (IOException e) {
            throw new PluginInstallException("Cannot create a temporary file: " + e.getMessage(), e);
        }
        try {
            fetched.copyTo(copy);
            action.accept(PluginJar.read(copy, source.displayName()), copy);
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                logger.debug("Cannot delete temporary file {}: {}", copy, e.getMessage());
            }
        }
    }

    private void checkNoDuplicate(PluginJar jar, Bundle except) {
        for (Bundle other : context.getBundles()) {
            if (!other.equals(except) && jar.symbolicName().equals(other.getSymbolicName())
                    && jar.version().equals(other.getVersion())) {
                throw duplicate(jar, other);
            }
        }
    }

    /** The refusal of a jar whose name and version the other bundle has. */
    static PluginInstallException duplicate(PluginJar jar, Bundle other) {
        return new PluginInstallException(jar + " is already installed as bundle " + other.getBundleId()
                + " (from " + other.getLocation() + "); use plugin:update");
    }

    private void checkIsPlugin(Bundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        if (bundle.getState() == Bundle.UNINSTALLED) {
            throw new PluginInstallException("Bundle " + bundle.getBundleId() + " is no longer installed");
        }
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == context.getBundle().getBundleId()) {
            throw new PluginInstallException(BundleNames.describe(bundle) + " is part of the runtime, not a plugin");
        }
        // Declarative Services, the shell, the go-plugin host...: without them the host cannot run
        // or install plugins again (uninstalling the go-plugin host stopped every .goplugin plugin
        // until a restart). The runtime installs them from plugboard.jar under this location.
        if (bundle.getLocation().startsWith(RUNTIME_LOCATION_PREFIX)) {
            throw new PluginInstallException(BundleNames.describe(bundle) + " is part of the runtime (from"
                    + " plugboard.jar), not a plugin; it is replaced with plugboard.jar");
        }
    }

    /** Where the bundle's jar is: the file it was renamed to in the plugins folder, else its location. */
    private PluginSource sourceOf(Bundle bundle) {
        Optional<String> moved = contents.movedTo(bundle);
        return moved.isPresent() ? source(moved.get()) : sourceOfLocation(bundle);
    }

    private PluginSource sourceOfLocation(Bundle bundle) {
        try {
            return source(bundle.getLocation());
        } catch (PluginInstallException e) {
            throw new PluginInstallException("Bundle " + bundle.getBundleId() + " was installed from '"
                    + bundle.getLocation() + "', which cannot be read again; give a path or URL", e);
        }
    }

    /**
     * Refreshes the resolved host bundles of the fragments just installed, as Felix FileInstall
     * does: a fragment attaches to a host only as the host resolves, so without it the fragment
     * would wait for the next start. A refresh stops and starts the host, so calls to its plugins
     * wait for it as in an update, and a stateful plugin hands its state over as it stops and
     * takes it back as it starts. The runtime's own bundles are never refreshed for a plugin's
     * fragment: it attaches at the next start (whyNotActive says so).
     */
    private void attachFragments(List<Bundle> installed) {
        for (Bundle fragment : installed) {
            if (!isFragment(fragment) || fragment.getState() != Bundle.INSTALLED) {
                continue;
            }
            for (Bundle host : hosts(fragment)) {
                if ((host.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) == 0 || !isRefreshable(host)) {
                    continue;
                }
                try (ReplacementNotice.Replacement notice = replacementNotice.replacing(host)) {
                    refresh(host);
                }
                logger.info("Refreshed {} {} {} (bundle {}) to attach its fragment {} {} (bundle {})", kind(host),
                        host.getSymbolicName(), host.getVersion(), host.getBundleId(), fragment.getSymbolicName(),
                        fragment.getVersion(), fragment.getBundleId());
            }
        }
    }

    /** Whether the host may be refreshed for a fragment: a plugin or library, not the runtime's own. */
    private boolean isRefreshable(Bundle host) {
        return isPlugin(host) && !host.getLocation().startsWith(RUNTIME_LOCATION_PREFIX);
    }

    /** The installed bundles the fragment's Fragment-Host names (whatever their state), by id. */
    private List<Bundle> hosts(Bundle fragment) {
        BundleRevision revision = fragment.adapt(BundleRevision.class);
        List<Bundle> hosts = new ArrayList<>();
        if (revision == null) {
            return hosts;
        }
        for (BundleRequirement requirement : revision.getDeclaredRequirements(HostNamespace.HOST_NAMESPACE)) {
            for (Bundle candidate : context.getBundles()) {
                BundleRevision r = candidate.adapt(BundleRevision.class);
                if (r == null || candidate.equals(fragment) || hosts.contains(candidate)) {
                    continue;
                }
                for (BundleCapability capability : r.getDeclaredCapabilities(HostNamespace.HOST_NAMESPACE)) {
                    if (requirement.matches(capability)) {
                        hosts.add(candidate);
                        break;
                    }
                }
            }
        }
        hosts.sort(BY_ID);
        return hosts;
    }

    /**
     * Why an installed fragment is not attached although its host is there: it attaches as the
     * host resolves (which a refresh or the next start makes it do). Empty for an attached one,
     * which needs nothing more (a fragment is never started), and for one whose host is missing
     * (the requirement it lacks says it).
     */
    private Optional<String> whyNotAttached(Bundle fragment) {
        if (fragment.getState() != Bundle.INSTALLED || !diagnostics.unsatisfiedRequirements(fragment).isEmpty()) {
            return Optional.empty();
        }
        List<Bundle> hosts = hosts(fragment);
        if (hosts.isEmpty()) {
            return Optional.empty();
        }
        String names = hosts.stream().map(BundleNames::describe).collect(Collectors.joining(" and "));
        return Optional.of("not attached: fragment of " + names + "; attaches when "
                + (hosts.size() == 1 ? "it is" : "they are") + " refreshed or at the next start");
    }

    private void refresh(Bundle bundle) {
        if (!refresher.refresh(List.of(bundle))) {
            logger.warn("Refreshing packages after changing bundle {} did not finish within {} ms",
                    bundle.getBundleId(), REFRESH_TIMEOUT_MILLIS);
        }
    }

    /**
     * Starts every plugin and library that is not active yet, as Felix FileInstall does: a plugin
     * whose missing import has just arrived (a library's package, say) starts now. All are
     * resolved in one go first, so a library and the plugins that need it resolve together.
     */
    private void startWaitingPlugins() {
        long host = context.getBundle().getBundleId();
        // The cheap state test first: parsing every bundle's imports after each batch adds up.
        // Loops, not streams: this runs in the host's start, where each lambda's class costs.
        List<Bundle> waiting = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if ((b.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0
                    && b.getBundleId() != host && !isFragment(b) && (importsApi(b) || isLibrary(b)) && mayStart(b)) {
                waiting.add(b);
            }
        }
        waiting.sort(BY_ID);
        if (waiting.isEmpty()) {
            return;
        }
        wiring().resolveBundles(waiting);
        // A bundle that runs plugins from files (the go-plugin host, at every start of the
        // runtime) needs no other plugin, and its start is the longest of a restart's first scan
        // (a class loader over its embedded jars, their classes): it starts on a thread of its
        // own while the plugins start here, so the scan takes the longer of the two, not both.
        List<Bundle> handlers = new ArrayList<>();
        List<Bundle> plugins = new ArrayList<>();
        for (Bundle bundle : waiting) {
            (providesFileHandler(bundle) ? handlers : plugins).add(bundle);
        }
        if (handlers.isEmpty() || plugins.isEmpty()) {
            startAll(waiting);
            return;
        }
        Thread alongside = new Thread(() -> {
            for (Bundle handler : handlers) {
                start(handler);
            }
        }, "plugboard-handler-start");
        alongside.setDaemon(true);
        alongside.start();
        startAll(plugins);
        joinUninterruptibly(alongside);
    }

    /**
     * Starts the bundles, handed out in id order; many at once on a thread per core. A plugin's
     * start is mostly SCR's work for it (its component XML read, the component activated, its
     * service registered and the events sent), under locks of that bundle alone, so a second
     * core roughly halves a bulk drop's start. A few are started here, one after the other.
     */
    private void startAll(List<Bundle> bundles) {
        int threads = threads();
        if (bundles.size() < PARALLEL_MIN || threads < 2) {
            for (Bundle bundle : bundles) {
                start(bundle);
            }
            return;
        }
        ParallelLoop.run(bundles, startOne, threads, "plugboard-plugin-start");
    }

    /** The threads a large batch is handled on: one per core, up to a few. */
    private static int threads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    /** Waits for the thread to end; an interrupt meanwhile is kept for the caller, not lost. */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the bundle declares (as bnd writes for a DS component) that it registers a PluginFileHandler. */
    private static boolean providesFileHandler(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return false;
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities(SERVICE_NAMESPACE)) {
            Object classes = capability.getAttributes().get(Constants.OBJECTCLASS);
            if (classes instanceof List<?> names ? names.contains(FILE_HANDLER) : FILE_HANDLER.equals(classes)) {
                return true;
            }
        }
        return false;
    }

    private FrameworkWiring wiring() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }

    /**
     * Starts the plugin; a failure is kept for {@link #whyNotActive} and logged once per reason.
     * As Felix FileInstall does, a bundle that failed is tried again when others are installed
     * (what it lacked may have come), within bounds ({@link #mayStart}): its reason is logged
     * again only if it changed.
     */
    private void start(Bundle bundle) {
        try {
            startTransiently(bundle, false);
        } catch (TimedStarts.TimedOut e) {
            // The plugin's own fault: its line is the bundle's.
            loggerOf(bundle).warn(hangWarning(bundle));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (BundleException | RuntimeException | Error e) {
            // Whatever one bundle's start throws is that bundle's failure: the others of the batch,
            // and the folder's handling, go on.
            failed(bundle, e);
        }
    }

    /** Keeps and reports the bundle's start failure; never throws for what the plugin threw. */
    private void failed(Bundle bundle, Throwable e) {
        String message = StartFailure.reason(e);
        FailedRun run = StartFailure.thrownByActivator(e) == null ? null : failedRun(bundle, message);
        if (run != null && run.leftThreads()) {
            message += "; " + LEFT_THREADS;
        }
        if (Objects.equals(startFailures.put(bundle.getBundleId(), message), message)) {
            if (run != null && run.times() == MAX_SAME_FAILURES) {
                logger.warn("{} {} {} (bundle {}) failed to start {} times for the same reason; not retried"
                        + " automatically any more: update it (plugin:update, or a new jar in the plugins folder)"
                        + " to try again", isLibrary(bundle) ? "Library" : "Plugin", bundle.getSymbolicName(),
                        bundle.getVersion(), bundle.getBundleId(), run.times());
            }
            return;
        }
        String why = whyNotActive(bundle).orElse(message);
        String what = isLibrary(bundle) ? "Library" : "Plugin";
        Throwable thrown = StartFailure.thrownByActivator(e);
        if (thrown == null && (e instanceof BundleException || e instanceof IllegalStateException)) {
            logger.warn("{} {} {} (bundle {}) is installed but not active: {}", what, bundle.getSymbolicName(),
                    bundle.getVersion(), bundle.getBundleId(), why);
            return;
        }
        // The plugin's own failure: its line is the bundle's, with the stack trace in plugboard.log;
        // as a copy that prints, should the plugin's own not (the log service walks its causes).
        Throwable printable = ThrowableText.printable(thrown != null ? thrown : e);
        try {
            loggerOf(bundle).warn("{} {} {} (bundle {}) is installed but not active: {}", what,
                    bundle.getSymbolicName(), bundle.getVersion(), bundle.getBundleId(), why, printable);
        } catch (RuntimeException | StackOverflowError logFailed) {
            logger.warn("{} {} {} (bundle {}) is installed but not active: {} (its stack trace cannot be logged: {})",
                    what, bundle.getSymbolicName(), bundle.getVersion(), bundle.getBundleId(), why,
                    ThrowableText.describe(logFailed));
        }
    }

    /**
     * A start whose activator threw: the reason, how many times in a row it was that one, the
     * arrivals counted when it failed, and whether it left threads running (its code ran in them
     * after the start failed: another run would start them again, and none of them is ever stopped).
     */
    private record FailedRun(String reason, int times, long arrivalsSeen, boolean leftThreads) {
    }

    /** Records the activator's failed run; {@link #mayStart} decides from it whether to try again. */
    private FailedRun failedRun(Bundle bundle, String reason) {
        FailedRun before = failedRuns.get(bundle.getBundleId());
        int times = before != null && before.reason().equals(reason) ? before.times() + 1 : 1;
        FailedRun run = new FailedRun(reason, times, arrivals.get(), leftThreads(bundle));
        failedRuns.put(bundle.getBundleId(), run);
        return run;
    }

    /** Whether threads run the bundle's classes now, just after its activator threw. */
    private static boolean leftThreads(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        Set<String> classes = ThreadScan.classNames(wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE));
        return !ThreadScan.find(Thread.getAllStackTraces(), classes, wiring.getClassLoader()).isEmpty();
    }

    /**
     * Whether to try the bundle's start (again). One never tried, or that failed without running
     * code (it did not resolve), is. One whose activator threw is tried again only once something
     * that could change its start arrived since (a bundle exporting packages or providing
     * capabilities was installed or updated: not a refused install, not every install), and not
     * after {@value #MAX_SAME_FAILURES} failures for the same reason, nor at all if it left threads
     * running: each run would leak them again. Updating the bundle tries it afresh.
     */
    private boolean mayStart(Bundle bundle) {
        FailedRun run = failedRuns.get(bundle.getBundleId());
        return run == null || !run.leftThreads() && run.times() < MAX_SAME_FAILURES && arrivals.get() > run.arrivalsSeen();
    }

    /** Counts the bundle as an arrival if it offers other bundles something: packages or capabilities. */
    private void arrived(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return;
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities(null)) {
            String namespace = capability.getNamespace();
            // Every bundle has these: they offer nothing a failed start could have lacked.
            if (!IdentityNamespace.IDENTITY_NAMESPACE.equals(namespace) && !BundleNamespace.BUNDLE_NAMESPACE.equals(namespace)
                    && !HostNamespace.HOST_NAMESPACE.equals(namespace)) {
                arrivals.incrementAndGet();
                return;
            }
        }
    }

    /** A logger whose lines are the bundle's (its name and version), or the installer's without the log service. */
    private Logger loggerOf(Bundle bundle) {
        LoggerFactory factory = loggerFactory;
        if (factory != null) {
            try {
                return factory.getLogger(bundle, PluginInstallerImpl.class.getName(), Logger.class);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // Not resolved, or gone meanwhile: the installer's own logger still says it.
            }
        }
        return logger;
    }

    /**
     * The one way plugins are started, a new version on update as any other: transiently (a
     * restart keeps the plugins in the framework cache, and a persistent start would have the
     * framework start them on its own, before the host; the folder starts them), and with their
     * activation policy. Returns why a component of the bundle failed to activate, when asked to
     * look ({@code checkComponents}): SCR activates the components of a starting bundle as it
     * starts (a delayed one as the registry takes its service), so one that threw has failed by
     * now. Logs the start unless such a failure was found.
     *
     * @throws BundleException or IllegalStateException as {@link Bundle#start(int)}: the bundle did not start
     * @throws TimedStarts.TimedOut the start did not end within the start timeout; it goes on on its own thread
     */
    private Optional<String> startTransiently(Bundle bundle, boolean checkComponents)
            throws BundleException, TimedStarts.TimedOut {
        starts.start(bundle, () -> bundle.start(Bundle.START_TRANSIENT | Bundle.START_ACTIVATION_POLICY),
                thrown -> startEndedLate(bundle, thrown));
        startFailures.remove(bundle.getBundleId());
        failedRuns.remove(bundle.getBundleId());
        Optional<String> component = checkComponents ? ComponentFailures.of(componentRuntime, bundle) : Optional.empty();
        if (component.isEmpty()) {
            logger.info("Started {} {} {} (bundle {})", kind(bundle), bundle.getSymbolicName(), bundle.getVersion(),
                    bundle.getBundleId());
        }
        return component;
    }

    @Override
    public Optional<String> startHang(Bundle bundle) {
        Optional<Long> since = starts.hangingSince(bundle);
        if (since.isEmpty()) {
            return Optional.empty();
        }
        long seconds = Math.max(0, (System.currentTimeMillis() - since.get()) / 1000);
        return Optional.of("hangs in its start: " + hangingPart(bundle) + " has not returned for " + seconds
                + " s (the start time limit is " + TimedStarts.seconds(starts.timeout()) + ", "
                + TimedStarts.TIMEOUT_PROPERTY + "); plugin:uninstall " + bundle.getBundleId() + " or remove its jar");
    }

    /**
     * What the log says of a start past its deadline. Felix holds the bundle STARTING while its
     * activator runs; SCR activates its components as it turns ACTIVE, still within the start.
     */
    private String hangWarning(Bundle bundle) {
        return (isLibrary(bundle) ? "Library" : "Plugin") + " "
                + bundle.getSymbolicName() + " " + bundle.getVersion() + " (bundle " + bundle.getBundleId() + "): "
                + hangingPart(bundle) + " did not return within " + TimedStarts.seconds(starts.timeout()) + "; it is left "
                + (bundle.getState() == Bundle.STARTING ? "STARTING" : "ACTIVE without its plugin") + " and the other plugins go on; plugin:uninstall "
                + bundle.getBundleId() + " or remove its jar";
    }

    /** What runs in a start that hangs, by the state Felix left the bundle in. */
    private static String hangingPart(Bundle bundle) {
        return bundle.getState() == Bundle.STARTING ? "its activator" : "a component's activation (within its start)";
    }

    /** A start given up at its deadline has ended after all: said, and a failure kept as any other. */
    private void startEndedLate(Bundle bundle, Throwable thrown) {
        if (bundle.getState() == Bundle.UNINSTALLED) {
            return;
        }
        if (thrown == null) {
            logger.info("Started {} {} {} (bundle {}) after all, past the start time limit of {}", kind(bundle),
                    bundle.getSymbolicName(), bundle.getVersion(), bundle.getBundleId(), TimedStarts.seconds(starts.timeout()));
        } else if (thrown instanceof Exception e) {
            String reason = StartFailure.reason(e);
            startFailures.put(bundle.getBundleId(), reason);
            logger.info("The start of {}, given up at the start time limit, has ended: {}", BundleNames.describe(bundle),
                    reason);
        }
    }

    /**
     * Before an update or uninstall: the framework changes no bundle while its start runs, and
     * would wait for an activator that never returns. A start under way is waited for up to its
     * deadline; one that hangs is interrupted and waited for once more as long; if it still runs,
     * the change is refused instead of hanging the caller.
     */
    private void awaitStartEnd(Bundle bundle, String change) {
        boolean ended;
        try {
            ended = starts.awaitEnd(bundle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginInstallException("Cannot " + change + " " + BundleNames.describe(bundle)
                    + ": interrupted while waiting for its start to end", e);
        }
        if (!ended) {
            throw new PluginInstallException("Cannot " + change + " " + BundleNames.describe(bundle) + ": "
                    + hangingPart(bundle) + " has not returned, not even when interrupted, and the framework changes no"
                    + " bundle while its start runs; it stays until Plugboard stops");
        }
    }

    private static boolean importsApi(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return false;
        }
        for (BundleRequirement r : revision.getDeclaredRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (PackageNamespace.RESOLUTION_DYNAMIC.equals(r.getDirectives().get(Constants.RESOLUTION_DIRECTIVE))) {
                continue;
            }
            String p = RequirementFilters.packageName(r.getDirectives().get(Constants.FILTER_DIRECTIVE)).orElse("");
            if (p.equals(API_PACKAGE) || p.startsWith(API_PACKAGE + ".")) {
                return true;
            }
        }
        return false;
    }
}
