package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

import io.plugboard.host.internal.state.StateLedger;

/** Carries out the watched folder's decisions about jars through the {@link PluginInstaller}. */
final class InstallerFolderActions implements FolderActions {

    private final BundleContext context;
    private final Path dir;
    private final PluginInstaller installer;
    private final Logger logger;
    private final StateLedger ledger;
    // Bundles this uninstalled and whose UNINSTALLED event has not been heard yet (see leftThroughFolder).
    private final Set<Long> uninstalling = ConcurrentHashMap.newKeySet();
    // Whether the start without a record of the cached plugins was reported: once per start.
    private boolean toldMissingRecord;

    /** @param ledger told of each bundle uninstalled because its jar left, so it keeps that bundle's state a while */
    InstallerFolderActions(BundleContext context, Path dir, PluginInstaller installer, Logger logger,
            StateLedger ledger) {
        this.context = context;
        this.dir = dir;
        this.installer = installer;
        this.logger = logger;
        this.ledger = ledger;
    }

    @Override
    public Map<Path, Long> installed() {
        Map<Path, Long> result = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            Optional<Path> moved = installer.movedFile(bundle);
            Optional<Path> file = moved.isPresent() ? moved : PluginSource.fileOf(bundle.getLocation());
            if (file.isPresent() && dir.equals(file.get().getParent())) {
                result.put(file.get(), bundle.getLastModified());
            }
        }
        return result;
    }

    /** By content, not time stamp: a jar moved in may be older than the bundle, yet be another. */
    @Override
    public boolean isCurrent(Path file, FileState state, long installedMillis) {
        Optional<Bundle> bundle = bundleOf(file);
        return bundle.isPresent() && installer.hasContentOf(bundle.get(), file);
    }

    /**
     * Kept when what it was installed from is known (the runtime stopped cleanly): it is the
     * version that served before the restart, so it runs again and the jar is then taken as a
     * live change of it is: an update refused if the new version cannot resolve or start, and
     * nothing while the jar is not valid. A restart thus loses no plugin a running Plugboard
     * would have kept. The installer keeps that record as it changes, so this holds after a
     * crash too. Uninstalled otherwise (the previous run left no whole record, which is said
     * once, or the bundle changed past the installer): what the cached bundle holds is not
     * known, so it must not run; its jar is installed afresh.
     */
    @Override
    public boolean removeStale(Path file) {
        Optional<Bundle> bundle = bundleOf(file);
        if (bundle.isEmpty()) {
            return true;
        }
        if (installer.knowsContentOf(bundle.get())) {
            return false;
        }
        Optional<String> missing = installer.missingRecord();
        if (missing.isPresent() && !toldMissingRecord) {
            toldMissingRecord = true;
            logger.warn("The previous run of Plugboard did not stop cleanly and left no record of what its plugins"
                    + " were installed from ({}): each cached plugin is uninstalled and its jar in the plugins folder"
                    + " installed again, with a new bundle id (a jar whose update was refused is then installed"
                    + " as it is)", missing.get());
        }
        try {
            uninstallNow(bundle.get(), false);
            return true;
        } catch (PluginInstallException e) {
            logger.warn("Cannot uninstall the cached plugin of {}, changed while Plugboard was down: {}",
                    file.getFileName(), e.getMessage());
            return false;
        }
    }

    /** Starts them, together with any other plugin waiting to start. */
    @Override
    public void kept(List<Path> files) {
        installer.startWaiting();
    }

    /** Refuses (returns) what the installer refuses; a jar whose bundle is installed is updated instead. */
    @Override
    public Map<Path, String> install(List<Path> files) {
        List<String> fresh = new ArrayList<>();
        Map<Path, String> held = new HashMap<>();
        for (Path file : files) {
            // Installed already (by a command, or before a restart): the jar is newer, so update.
            if (bundleOf(file).isPresent()) {
                update(file);
            } else if (heldByMoved(file).isPresent()) {
                // The framework would hand back that bundle for this location instead of installing.
                Bundle holder = heldByMoved(file).get();
                held.put(file, "Cannot install " + file.getFileName() + " from the plugins folder: its location is"
                        + " still held by " + BundleNames.describe(holder) + " (its jar was renamed from "
                        + file.getFileName() + " to " + installer.movedFile(holder).map(Path::getFileName).orElse(null)
                        + "); give this jar another name, or remove that one first");
            } else {
                fresh.add(file.toString());
            }
        }
        InstallFailures failures = new InstallFailures();
        installer.installAll(fresh, failures);
        failures.refused.putAll(held);
        return failures.refused;
    }

    /** The bundle installed from this file's location whose jar was renamed to another file, if any. */
    private Optional<Bundle> heldByMoved(Path file) {
        Bundle bundle = context.getBundle(PluginSource.locationOf(file));
        return bundle != null && installer.movedFile(bundle).isPresent() ? Optional.of(bundle) : Optional.empty();
    }

    /**
     * Collects the warning for each jar that cannot be installed. A class of its own rather than
     * a lambda: a first start's scan installs here, and each lambda's class is made at its first use.
     */
    private static final class InstallFailures implements BiConsumer<String, PluginInstallException> {

        final Map<Path, String> refused = new HashMap<>();

        @Override
        public void accept(String file, PluginInstallException e) {
            Path path = Path.of(file);
            refused.put(path, "Cannot install " + path.getFileName() + " from the plugins folder: " + e.getMessage());
        }
    }

    @Override
    public void update(Path file) {
        Optional<Bundle> bundle = bundleOf(file);
        if (bundle.isEmpty()) {
            install(List.of(file));
            return;
        }
        try {
            installer.update(bundle.get(), file.toString());
        } catch (PluginInstallException e) {
            logger.warn("Cannot update {} from the plugins folder: {}", file.getFileName(), e.getMessage());
        }
    }

    /** The symbolic name of the bundle installed from the file, as {@link JarKind#check} tells a jar's. */
    @Override
    public Optional<String> identityOf(Path file) {
        return bundleOf(file).map(Bundle::getSymbolicName);
    }

    /**
     * Keeps the bundle, running, as the bundle of the new file: the framework never changes a
     * bundle's location, so the installer notes the file it now comes from (kept across clean
     * restarts, see {@link InstalledContents}), and this class finds it by either.
     */
    @Override
    public boolean move(Path from, Path to) {
        Optional<Bundle> bundle = bundleOf(from);
        if (bundle.isEmpty() || bundleOf(to).isPresent() || heldByMoved(to).filter(b -> !b.equals(bundle.get())).isPresent()) {
            return false;
        }
        installer.moved(bundle.get(), to);
        return true;
    }

    @Override
    public void uninstall(Path file) {
        Optional<Bundle> bundle = bundleOf(file);
        if (bundle.isEmpty()) {
            return;
        }
        // Maybe replaced by rm then cp: its state is kept, and its selection waits, for the grace.
        ledger.keepAfterUninstall(bundle.get().getBundleId());
        try {
            uninstallNow(bundle.get(), true);
        } catch (PluginInstallException e) {
            logger.warn("Cannot uninstall {} after it left the plugins folder: {}", file.getFileName(), e.getMessage());
        }
    }

    /**
     * Whether the bundle, whose UNINSTALLED event this is, was uninstalled by the folder itself
     * (forgotten then). The folder judged its refused files again right after, or had not refused
     * any yet (at a restart, before it judged the files): the event need not have it do so again.
     */
    boolean leftThroughFolder(Bundle bundle) {
        return uninstalling.remove(bundle.getBundleId());
    }

    /** @param jarLeft whether its jar left the folder (rather than its cached bundle being stale) */
    private void uninstallNow(Bundle bundle, boolean jarLeft) {
        uninstalling.add(bundle.getBundleId());
        try {
            if (jarLeft) {
                installer.uninstallLeft(bundle);
            } else {
                installer.uninstall(bundle);
            }
        } catch (RuntimeException e) {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                uninstalling.remove(bundle.getBundleId());
            }
            throw e;
        }
    }

    /**
     * The bundle whose jar the file is: the one installed from its location, unless that one's jar
     * was renamed since; else one whose jar was renamed to it.
     */
    private Optional<Bundle> bundleOf(Path file) {
        Bundle bundle = context.getBundle(PluginSource.locationOf(file));
        if (bundle != null) {
            Optional<Path> moved = installer.movedFile(bundle);
            if (moved.isEmpty() || moved.get().equals(file.toAbsolutePath().normalize())) {
                return Optional.of(bundle);
            }
        }
        return installer.movedBundle(file);
    }
}
