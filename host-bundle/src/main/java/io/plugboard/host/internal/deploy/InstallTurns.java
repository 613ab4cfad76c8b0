package io.plugboard.host.internal.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The order of a batch of jars installed on several threads. Each jar is read and checked on its
 * own thread, but let through (or refused) in list order, one at a time, as the one-by-one loop
 * lets them: a jar waits until every jar before it in the list has had its turn, and until none
 * of them with its location, or its symbolic name and version, or a plugin name it declares at
 * its version, is still being installed. Then it is refused if a bundle of that location, or of
 * that name and version, is installed, or if the name check refuses it. So of two
 * jars of one name and version the earlier in the list is installed and the later refused (or
 * installed after all, should the earlier fail), whichever thread gets there first; and as a
 * thread holds one jar at a time, no more jars than threads are held in memory.
 */
final class InstallTurns {

    /** A jar let through, until its install has ended. */
    static final class Claim {

        private final String location;
        private final PluginJar jar;
        private final Set<String> pluginNames;

        private Claim(String location, PluginJar jar, Set<String> pluginNames) {
            this.location = location;
            this.jar = jar;
            this.pluginNames = pluginNames;
        }
    }

    private static final Runnable NO_CHECK = () -> { };

    private final BundleContext context;
    // Those installed before the batch and those the batch installed so far; guarded by this.
    private final BundleIdentities identities;
    // The jars let through whose install has not ended; guarded by this.
    private final List<Claim> installing = new ArrayList<>();
    // Which indexes have had their turn (let through, refused, or failed before); guarded by this.
    private final boolean[] done;
    // The first index that has not had its turn; guarded by this.
    private int turn;

    /**
     * @param identities the bundles installed now; the turns add each bundle the batch installs
     * @param size the number of jars in the batch, indexed from 0
     */
    InstallTurns(BundleContext context, BundleIdentities identities, int size) {
        this.context = context;
        this.identities = identities;
        this.done = new boolean[size];
    }

    /**
     * Waits for the jar's turn, then lets it through, or throws the refusal worded as the
     * one-by-one install words it. Either way its turn is over; the caller must call
     * {@link #ended} once the install of a jar let through has ended.
     */
    synchronized Claim claim(int index, PluginSource source, PluginJar jar) {
        return claim(index, source, jar, Set.of(), NO_CHECK);
    }

    /**
     * {@link #claim(int, PluginSource, PluginJar)} of a jar that declares these plugin names: it
     * also waits until no jar before it that declares one of them at its version is still being
     * installed, then {@code nameCheck} may refuse it (by throwing) as the one-by-one install would.
     */
    synchronized Claim claim(int index, PluginSource source, PluginJar jar, Set<String> pluginNames, Runnable nameCheck) {
        if (done[index]) {
            // Its turn would never come again.
            throw new IllegalStateException("Jar " + index + " of the batch has had its turn");
        }
        boolean interrupted = false;
        // Not interruptible: the jars before this one are all being handled and end soon.
        while (turn != index || isInstalling(source, jar, pluginNames)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            PluginInstallerImpl.checkLocationFree(context, source);
            Optional<Bundle> other = identities.find(jar);
            if (other.isPresent()) {
                throw PluginInstallerImpl.duplicate(jar, other.get());
            }
            nameCheck.run();
            Claim claim = new Claim(source.location(), jar, pluginNames);
            installing.add(claim);
            return claim;
        } finally {
            pass(index);
        }
    }

    /**
     * Ends the jar's turn without letting it through: it failed before (unreadable, invalid).
     * Ignored for a jar whose turn is over.
     */
    synchronized void pass(int index) {
        if (done[index]) {
            return;
        }
        done[index] = true;
        while (turn < done.length && done[turn]) {
            turn++;
        }
        notifyAll();
    }

    /** The install of a jar let through has ended, with its bundle or (if it failed) null. */
    synchronized void ended(Claim claim, Bundle bundle) {
        installing.remove(claim);
        if (bundle != null) {
            identities.add(bundle);
        }
        notifyAll();
    }

    /**
     * Whether a jar of the location, or of the name and version, or one declaring one of the
     * plugin names at that version, is being installed.
     */
    private boolean isInstalling(PluginSource source, PluginJar jar, Set<String> pluginNames) {
        for (Claim claim : installing) {
            if (claim.location.equals(source.location())
                    || (claim.jar.symbolicName().equals(jar.symbolicName()) && claim.jar.version().equals(jar.version()))
                    || (claim.jar.version().equals(jar.version()) && !Collections.disjoint(claim.pluginNames, pluginNames))) {
                return true;
            }
        }
        return false;
    }
}
