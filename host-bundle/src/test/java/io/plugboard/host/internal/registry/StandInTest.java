package io.plugboard.host.internal.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.osgi.framework.Version;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;
import io.plugboard.api.registry.PluginUnavailableException;

/** Stand-ins from {@link PluginTable#service}: following switches, waiting, retrying, and failing clearly. */
public class StandInTest {

    /** An API without a hand-written stand-in, with a checked exception. */
    public interface Counter {
        int next() throws IOException;
    }

    /** Long enough never to run out in a test that expects the wait to end well. */
    private static final Duration PATIENT = Duration.ofSeconds(20);
    private static final Duration QUICK = Duration.ofMillis(200);

    private long nextServiceId = 100;

    private static PluginTable table(Duration timeout) {
        return new PluginTable(type -> null, (type, active) -> { }, timeout, bundleId -> "was uninstalled");
    }

    private PluginCandidate add(PluginTable table, String type, String name, String version, long bundleId,
            Object service) {
        PluginCandidate candidate = new PluginCandidate(name, type, Version.parseVersion(version), bundleId,
                nextServiceId++, 0, service);
        table.add(candidate);
        return candidate;
    }

    private PluginCandidate greeter(PluginTable table, String name, String version, long bundleId) {
        return add(table, Greeter.TYPE, name, version, bundleId, (Greeter) n -> name + " " + version + ": " + n);
    }

    @Test
    public void aStandInFollowsEverySwitchAndRemoval() {
        PluginTable table = table(QUICK);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        greeter(table, "greeter.en", "1.0.0", 14);
        PluginCandidate zh = greeter(table, "greeter.zh", "1.0.0", 15);
        assertEquals("greeter.en 1.0.0: Ann", greeter.greet("Ann"));
        table.select(Greeter.TYPE, "greeter.zh");
        assertEquals("greeter.zh 1.0.0: Ann", greeter.greet("Ann"));
        table.remove(zh.serviceId());
        // The selected plugin went: no other greeter takes its calls while it stays selected.
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class, () -> greeter.greet("Ann"));
        assertTrue(e.getMessage(), e.getMessage().matches("no plugin of type 'greeter' is available: 'greeter.zh',"
                + " selected for it, is not registered, and calls of type 'greeter' go to no other plugin while it is"
                + " selected \\(plugin:use greeter <name> picks another; plugin:list shows them\\) \\(greeter.zh"
                + " 1.0.0 \\(bundle 15\\) was uninstalled \\d+\\.\\d s ago\\); waited 0.2 s"));
        table.select(Greeter.TYPE, "greeter.en");
        assertEquals("greeter.en 1.0.0: Ann", greeter.greet("Ann"));
    }

    @Test
    public void thereIsOneStandInPerTypeAndApi() {
        PluginTable table = table(QUICK);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        assertSame(greeter, table.service(Greeter.TYPE, Greeter.class));
        assertNotSame(greeter, table.service("greeter2", Greeter.class));
        assertTrue(greeter instanceof GreeterStandIn);
        assertTrue(table.service(KeyValueStore.TYPE, KeyValueStore.class) instanceof KeyValueStoreStandIn);
        assertTrue(Proxy.isProxyClass(table.service("counter", Counter.class).getClass()));
        assertEquals("stand-in for plugin type 'greeter'", greeter.toString());
    }

    @Test
    public void anythingButAnInterfaceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table(QUICK).service("kv", String.class));
        assertEquals("java.lang.String is not an interface; give the plugin's API interface, e.g. KeyValueStore.class",
                e.getMessage());
    }

    @Test
    public void aProxyStandInCallsThroughAndPassesExceptionsUntouched() throws Exception {
        PluginTable table = table(QUICK);
        Counter counter = table.service("counter", Counter.class);
        AtomicInteger count = new AtomicInteger();
        add(table, "counter", "counter.one", "1.0.0", 20, (Counter) count::incrementAndGet);
        assertEquals(1, counter.next());
        assertEquals(2, counter.next());

        IOException failure = new IOException("disk gone");
        table.select("counter", add(table, "counter", "counter.broken", "1.0.0", 21, (Counter) () -> {
            throw failure;
        }).name());
        assertSame(failure, assertThrows(IOException.class, counter::next));
        assertTrue(counter.equals(counter));
        assertEquals("stand-in for plugin type 'counter' (" + Counter.class.getName() + ")", counter.toString());
    }

    @Test
    public void aCallWithoutAPluginWaitsForOne() throws Exception {
        PluginTable table = table(PATIENT);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> greeter.greet("Ann"));
        pause(300);
        assertFalse("the call waits while no greeter is there", call.isDone());
        greeter(table, "greeter.en", "1.0.0", 14);
        assertEquals("greeter.en 1.0.0: Ann", call.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void aCallThatWaitsInVainNamesTheLastPluginAndWhatHappened() {
        PluginTable table = table(QUICK);
        KeyValueStore store = table.service(KeyValueStore.TYPE, KeyValueStore.class);
        PluginCandidate memory = add(table, "kv", "kv.memory", "1.0.0", 12, new Object());
        table.remove(memory.serviceId());
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class, () -> store.get("a"));
        assertEquals("kv", e.type());
        assertTrue(e.getMessage(), e.getMessage().matches("no plugin of type 'kv' is available: kv\\.memory 1\\.0\\.0 "
                + "\\(bundle 12\\) was uninstalled \\d+\\.\\d s ago and no plugin of type 'kv' replaced it \\(waited 0\\.2 s\\)"));
    }

    @Test
    public void aTypeThatNeverHadAPluginSaysWhatIsInstalled() {
        PluginTable table = table(QUICK);
        greeter(table, "greeter.en", "1.0.0", 14);
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class,
                () -> table.service(KeyValueStore.TYPE, KeyValueStore.class).keys());
        assertEquals("no plugin of type 'kv' is available (installed types: greeter) and none arrived within 0.2 s; "
                + "install one or check plugin:list", e.getMessage());
    }

    @Test
    public void aCallThatReachesAStoppedInstanceIsRetriedOnItsReplacement() throws Exception {
        PluginTable table = table(PATIENT);
        AtomicInteger stoppedCalls = new AtomicInteger();
        PluginCandidate old = add(table, Greeter.TYPE, "greeter.en", "1.0.0", 14, (Greeter) n -> {
            stoppedCalls.incrementAndGet();
            throw new PluginStoppedException("greeter.en 1.0.0 has stopped");
        });
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> greeter.greet("Ann"));
        pause(300);
        assertFalse("the call waits for the replacement of the stopped instance", call.isDone());
        table.remove(old.serviceId());
        greeter(table, "greeter.en", "2.0.0", 14);
        assertEquals("greeter.en 2.0.0: Ann", call.get(10, TimeUnit.SECONDS));
        // Once on the fast path, and once more on the slow path, which cannot know whether the
        // instance resumed in between (a live handover away from it and back); then it waits.
        assertEquals(2, stoppedCalls.get());
    }

    @Test
    public void aStoppedInstanceThatStaysIsReported() {
        PluginTable table = table(QUICK);
        add(table, Greeter.TYPE, "greeter.en", "1.0.0", 14, (Greeter) n -> {
            throw new PluginStoppedException("stopped");
        });
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class,
                () -> table.service(Greeter.TYPE, Greeter.class).greet("Ann"));
        assertEquals("no plugin of type 'greeter' is available: greeter.en 1.0.0 (bundle 14) has stopped taking calls "
                + "and no plugin replaced it within 0.2 s", e.getMessage());
    }

    @Test
    public void otherExceptionsPassThroughUntouchedAndAreNotRetried() {
        PluginTable table = table(QUICK);
        IllegalArgumentException bad = new IllegalArgumentException("name must not be blank");
        AtomicInteger calls = new AtomicInteger();
        add(table, Greeter.TYPE, "greeter.en", "1.0.0", 14, (Greeter) n -> {
            calls.incrementAndGet();
            throw bad;
        });
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> greeter.greet(" ")));
        assertEquals(1, calls.get());
    }

    @Test
    public void aStandInOfTheWrongApiSaysSo() {
        PluginTable table = table(QUICK);
        greeter(table, "greeter.en", "1.0.0", 14);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.service(Greeter.TYPE, KeyValueStore.class).keys());
        assertTrue(e.getMessage(), e.getMessage().startsWith("the active plugin of type 'greeter' is a ")
                && e.getMessage().endsWith(", not a " + KeyValueStore.class.getName()));
    }

    @Test
    public void withoutAnUpdateRemovalFailsOverAtOnce() {
        PluginTable table = table(QUICK);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        table.remove(en.serviceId());
        assertEquals("greeter.zh 1.0.0: Ann", greeter.greet("Ann"));
    }

    @Test
    public void duringAnUpdateTheTypeWaitsForTheSameNameNotAnotherPlugin() throws Exception {
        PluginTable table = table(PATIENT);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        Runnable release = table.hold(14);
        table.remove(en.serviceId());
        assertEquals(Optional.empty(), table.active(Greeter.TYPE));

        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> greeter.greet("Ann"));
        pause(300);
        assertFalse("greeter.zh must not answer while greeter.en is updated", call.isDone());
        greeter(table, "greeter.en", "2.0.0", 14);
        assertEquals("greeter.en 2.0.0: Ann", call.get(10, TimeUnit.SECONDS));
        release.run();
        release.run();
        assertEquals("greeter.en", table.active(Greeter.TYPE).orElseThrow().name());
    }

    @Test
    public void aPluginReplacedByTheSameVersionKeepsItsType() throws Exception {
        // As after an update refused and rolled back, or one that keeps the version: the plugin's
        // service comes back with a newer id, which alone must not hand its type to another plugin.
        PluginTable table = table(PATIENT);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        Runnable release = table.hold(14);
        table.remove(en.serviceId());
        greeter(table, "greeter.en", "1.0.0", 14);
        release.run();
        assertEquals("greeter.en 1.0.0: Ann", greeter.greet("Ann"));

        // Gone without a hold (uninstalled), it comes back as a newcomer: the older plugin serves.
        table.remove(table.active(Greeter.TYPE).orElseThrow().serviceId());
        greeter(table, "greeter.en", "1.0.0", 16);
        assertEquals("greeter.zh 1.0.0: Ann", greeter.greet("Ann"));
    }

    @Test
    public void anUpdateThatNeverStartsIsReportedThenTheTypeFailsOver() {
        PluginTable table = table(QUICK);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        Greeter greeter = table.service(Greeter.TYPE, Greeter.class);
        Runnable release = table.hold(14);
        table.remove(en.serviceId());
        PluginUnavailableException e = assertThrows(PluginUnavailableException.class, () -> greeter.greet("Ann"));
        assertEquals("no plugin of type 'greeter' is available: greeter.en 1.0.0 (bundle 14) is being updated and its "
                + "new version did not start within 0.2 s", e.getMessage());
        release.run();
        assertEquals("greeter.zh 1.0.0: Ann", greeter.greet("Ann"));
    }

    @Test
    public void aHoldOnlyConcernsTheTypesTheBundleServes() {
        PluginTable table = table(QUICK);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        Runnable release = table.hold(15);
        table.remove(en.serviceId());
        assertEquals("greeter.zh 1.0.0: Ann", table.service(Greeter.TYPE, Greeter.class).greet("Ann"));
        release.run();
    }

    @Test
    public void aSelectionDuringAnUpdateEndsTheWait() {
        PluginTable table = table(QUICK);
        PluginCandidate en = greeter(table, "greeter.en", "1.0.0", 14);
        greeter(table, "greeter.zh", "1.0.0", 15);
        table.hold(14);
        table.remove(en.serviceId());
        table.select(Greeter.TYPE, "greeter.zh");
        assertEquals("greeter.zh 1.0.0: Ann", table.service(Greeter.TYPE, Greeter.class).greet("Ann"));
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
