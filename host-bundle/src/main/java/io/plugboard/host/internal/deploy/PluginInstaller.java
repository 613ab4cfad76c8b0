package io.plugboard.host.internal.deploy;

import java.nio.file.Path;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;

/**
 * Installs, updates and uninstalls plugin bundles in the running framework. Used by the
 * {@code plugin:*} commands, the watched folder and the launcher's {@code --plugin} option.
 *
 * <p>Every method either succeeds or throws {@link PluginInstallException} with a message a user
 * can act on (missing file, not a jar, duplicate bundle, unresolvable import and why); a failure
 * never leaves other plugins stopped.
 */
public interface PluginInstaller {

    /**
     * Installs the plugin jar at the path or URL and starts it, refreshing packages if needed.
     * Returns the bundle even when it cannot start: then {@link #whyNotActive} says why.
     */
    Bundle install(String pathOrUrl);

    /**
     * Installs all the jars, then starts them all, so plugins that need each other start whatever
     * their order; a jar that cannot be installed goes to {@code onFailure} and the rest still
     * are. Returns the bundles installed. The watched folder uses this for its initial scan.
     */
    default List<Bundle> installAll(List<String> pathsOrUrls, BiConsumer<String, PluginInstallException> onFailure) {
        List<Bundle> installed = new ArrayList<>();
        for (String pathOrUrl : pathsOrUrls) {
            try {
                installed.add(install(pathOrUrl));
            } catch (PluginInstallException e) {
                onFailure.accept(pathOrUrl, e);
            }
        }
        return installed;
    }

    /**
     * Updates the bundle from the path or URL, or from its own location when {@code pathOrUrl} is
     * {@code null}; then refreshes packages so the old class loader can go, and starts it again.
     * A running plugin is only replaced by a version that runs: if the new one cannot resolve or
     * fails to start, the running version is put back and this throws, saying why.
     */
    Bundle update(Bundle bundle, String pathOrUrl);

    /**
     * Uninstalls the bundle and refreshes packages so its class loader can be collected; a type
     * whose selection names one of its plugins moves to the ordinary choice (see
     * {@link #removingOnPurpose}).
     */
    void uninstall(Bundle bundle);

    /**
     * As {@link #uninstall}, for a bundle whose jar left the plugins folder: the jar may be back
     * in a moment (replaced by {@code rm}, then {@code cp}), so a type whose selection names one
     * of its plugins waits for it for the state grace before it moves to the ordinary choice
     * (see {@code ReplacementNotice#leaving}).
     */
    default void uninstallLeft(Bundle bundle) {
        uninstall(bundle);
    }

    /**
     * The bundle's jar in the plugins folder was renamed to {@code file}: that is its file from
     * now on, also across clean restarts, although its location (which the framework never
     * changes) still names the old one. Does nothing by default.
     */
    default void moved(Bundle bundle, Path file) {
    }

    /** The file the bundle's jar was renamed to ({@link #moved}), if it was. */
    default Optional<Path> movedFile(Bundle bundle) {
        return Optional.empty();
    }

    /** The bundle whose jar was renamed to the file ({@link #moved}), if there is one. */
    default Optional<Bundle> movedBundle(Path file) {
        return Optional.empty();
    }

    /**
     * The user is about to remove these plugins of the bundle on purpose (a plugin file uninstalled
     * or deleted; bundles say so in {@link #uninstall}): a type whose selection names one of them
     * moves to the ordinary choice when it goes, and back when it returns.
     */
    default void removingOnPurpose(Collection<String> pluginNames, long bundleId) {
    }

    /**
     * Whether the bundle was installed (or last updated) by this installer from exactly the
     * content the file has now, also across restarts; false when that is not known.
     */
    default boolean hasContentOf(Bundle bundle, Path file) {
        return false;
    }

    /**
     * Whether it is known what content the bundle was installed (or last updated) from, also
     * across a restart, a crash included; false when the previous run left no whole record of
     * it (see {@link #missingRecord}), or for a bundle changed past the installer.
     */
    default boolean knowsContentOf(Bundle bundle) {
        return false;
    }

    /**
     * Why the record of what the plugins were installed from, which the previous run keeps as it
     * changes, was not there to read at this start (the previous run did not stop cleanly before
     * the record was kept that way, or it was cut short), or empty if it was read.
     */
    default Optional<String> missingRecord() {
        return Optional.empty();
    }

    /**
     * Holds back the writes of that record until the batch is closed, so that the changes of a
     * batch of files are written once. Holds back nothing by default.
     */
    default WriteBatch batch() {
        return WriteBatch.NONE;
    }

    /**
     * Starts every plugin that is installed but not active, all resolved together first. A
     * restart keeps the folder's plugins in the framework cache, stopped: the watched folder
     * starts them once it has taken every jar. Does nothing by default.
     */
    default void startWaiting() {
    }

    /**
     * Returns the bundles the installer manages, sorted by bundle id: the plugins (every bundle
     * other than the host that imports an {@code io.plugboard.api} package) and the libraries
     * (see {@link #isLibrary}).
     */
    List<Bundle> pluginBundles();

    /**
     * Whether the bundle is a library: one this installer installed (from the plugins folder or
     * plugin:install) that imports no {@code io.plugboard.api} package. It is started, listed,
     * updated and uninstalled as a plugin bundle is.
     */
    default boolean isLibrary(Bundle bundle) {
        return false;
    }

    /** Whether the bundle is a fragment (listed as such: it attaches to its host and is never started). */
    default boolean isFragment(Bundle bundle) {
        return false;
    }

    /** Whether the bundle is one of {@link #pluginBundles}, without listing them all. */
    default boolean isPlugin(Bundle bundle) {
        return pluginBundles().contains(bundle);
    }

    /**
     * Why the resolved bundle's last start failed (what its activator threw, say), or empty when
     * it did not fail or is not resolved now.
     */
    default Optional<String> startFailure(Bundle bundle) {
        return Optional.empty();
    }

    /**
     * Why the bundle's start has not ended, when it went past the start time limit and still
     * runs (an activator that never returns, say); empty otherwise.
     */
    default Optional<String> startHang(Bundle bundle) {
        return Optional.empty();
    }

    /**
     * Explains in plain words why the bundle is not active (for an unresolved bundle: each
     * import no bundle can satisfy, with the versions that are available), or empty if it is.
     * An active bundle whose component failed to activate runs no plugin: that is explained too.
     */
    Optional<String> whyNotActive(Bundle bundle);

    /**
     * Why the bundle is not resolved, for plugin:list's DETAILS ({@code not resolved: it imports
     * ...}), or empty when it is resolved.
     */
    default Optional<String> whyNotResolved(Bundle bundle) {
        return Optional.empty();
    }

    /**
     * The plugins the bundle's components declare, name to type ({@code -} if a component has
     * none), read from its entries without resolving it: what a bundle that registers nothing
     * (unresolved, failed) would register, so that the user can still name it by its plugin name.
     */
    default Map<String, String> declaredPlugins(Bundle bundle) {
        return Map.of();
    }
}
