package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/** The order in which the jars of a batch installed on several threads are let through, in a real Felix. */
public class InstallTurnsTest {

    private static final PluginJar X = new PluginJar("io.example.x", Version.parseVersion("1.0.0"));

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    @Test
    public void aLaterJarReadFirstWaitsForTheEarlierOneAndIsRefusedAsItsDuplicate() throws Exception {
        InstallTurns turns = new InstallTurns(felix.hostContext(), BundleIdentities.of(felix.hostContext()), 2);
        PluginSource first = source("first.jar");
        PluginSource second = source("second.jar");

        CompletableFuture<InstallTurns.Claim> later = claimOnAnotherThread(turns, 1, second, X);
        InstallTurns.Claim claim = turns.claim(0, first, X);
        Bundle bundle = install(first);
        turns.ended(claim, bundle);

        ExecutionException e = assertThrows(ExecutionException.class, () -> later.get(10, TimeUnit.SECONDS));
        assertEquals("io.example.x 1.0.0 is already installed as bundle " + bundle.getBundleId() + " (from "
                + first.location() + "); use plugin:update", e.getCause().getMessage());
    }

    @Test
    public void aLaterJarIsLetThroughWhenTheEarlierOfItsNameAndVersionFailedToInstall() throws Exception {
        InstallTurns turns = new InstallTurns(felix.hostContext(), BundleIdentities.of(felix.hostContext()), 2);
        PluginSource first = source("first.jar");

        InstallTurns.Claim claim = turns.claim(0, first, X);
        CompletableFuture<InstallTurns.Claim> later = claimOnAnotherThread(turns, 1, source("second.jar"), X);
        turns.ended(claim, null);

        assertNotNull(later.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void aJarThatFailedBeforeItsTurnLetsTheNextThrough() throws Exception {
        InstallTurns turns = new InstallTurns(felix.hostContext(), BundleIdentities.of(felix.hostContext()), 3);

        CompletableFuture<InstallTurns.Claim> last = claimOnAnotherThread(turns, 2, source("c.jar"), X);
        turns.pass(1);
        turns.pass(0);

        assertNotNull(last.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void theLocationIsCheckedAgainInItsTurn() throws Exception {
        InstallTurns turns = new InstallTurns(felix.hostContext(), BundleIdentities.of(felix.hostContext()), 2);
        PluginSource source = source("a.jar");
        InstallTurns.Claim claim = turns.claim(0, source, X);
        Bundle bundle = install(source);
        turns.ended(claim, bundle);

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> turns.claim(1, source, new PluginJar("io.example.other", Version.emptyVersion)));

        assertEquals(source.displayName() + " is already installed as bundle " + bundle.getBundleId()
                + "; use plugin:update", e.getMessage());
    }

    @Test
    public void aJarDeclaringAPluginOfAnEarlierOneAtItsVersionWaitsForItsInstallThenForItsNameCheck() throws Exception {
        InstallTurns turns = new InstallTurns(felix.hostContext(), BundleIdentities.of(felix.hostContext()), 3);
        PluginJar other = new PluginJar("io.example.other", X.version());
        List<String> checked = new CopyOnWriteArrayList<>();
        PluginSource first = source("first.jar");
        InstallTurns.Claim claim = turns.claim(0, first, X, Set.of("kv.same", "kv.x"), () -> checked.add("x"));
        // Another name, or another version: not held up.
        turns.ended(turns.claim(1, source("third.jar"), new PluginJar("io.example.third", Version.parseVersion("2.0.0")),
                Set.of("kv.same"), () -> checked.add("third")), null);

        CompletableFuture<InstallTurns.Claim> later = claimOnAnotherThread(turns, 2, source("second.jar"), other,
                Set.of("kv.same"), () -> checked.add("other"));
        assertEquals(List.of("x", "third"), checked);
        turns.ended(claim, install(first));

        assertNotNull(later.get(10, TimeUnit.SECONDS));
        assertEquals("its check comes once the earlier jar is installed", List.of("x", "third", "other"), checked);
    }

    /** Claims on a thread of its own; returns once that thread waits in the claim. */
    private static CompletableFuture<InstallTurns.Claim> claimOnAnotherThread(InstallTurns turns, int index, PluginSource source, PluginJar jar)
            throws InterruptedException {
        return claimOnAnotherThread(turns, index, source, jar, Set.of(), () -> { });
    }

    /** Claims a jar declaring these plugin names on a thread of its own; returns once that thread waits in the claim. */
    private static CompletableFuture<InstallTurns.Claim> claimOnAnotherThread(InstallTurns turns, int index, PluginSource source,
            PluginJar jar, Set<String> pluginNames, Runnable nameCheck) throws InterruptedException {
        CompletableFuture<InstallTurns.Claim> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(turns.claim(index, source, jar, pluginNames, nameCheck));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "install-turns-test");
        thread.setDaemon(true);
        thread.start();
        // Bounded: it waits in claim, not for a time.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && !result.isDone() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertTrue("claim " + index + " waits for its turn", thread.getState() == Thread.State.WAITING);
        return result;
    }

    private PluginSource source(String name) throws Exception {
        Path file = TestJars.write(temp.getRoot().toPath().resolve(name), TestJars.plugin("io.example.x", "1.0.0"));
        return PluginSource.ofFile(file);
    }

    private Bundle install(PluginSource source) throws Exception {
        return felix.hostContext().installBundle(source.location());
    }
}
