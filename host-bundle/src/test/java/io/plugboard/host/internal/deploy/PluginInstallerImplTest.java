package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Version;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWiring;

import com.sun.net.httpserver.HttpServer;

import io.plugboard.host.internal.deploy.exiting.ExitingActivator;
import io.plugboard.host.internal.deploy.throwing.CycleActivator;
import io.plugboard.host.internal.deploy.throwing.LeakingActivator;
import io.plugboard.host.internal.deploy.throwing.ThrowingActivator;
import io.plugboard.host.internal.deploy.throwing.UnprintableActivator;
import io.plugboard.host.internal.weaving.ExitCallHook;
import io.plugboard.testing.RecordingLogger;

/** The installer in a real Felix framework. */
public class PluginInstallerImplTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    private final RecordingLogger log = new RecordingLogger();
    private PluginInstallerImpl installer;

    @Before
    public void createInstaller() {
        installer = new PluginInstallerImpl(felix.hostContext(), log.logger());
    }

    @Test
    public void installsAndStartsAPlugin() throws Exception {
        Path jar = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(jar.toUri().toString(), bundle.getLocation());
        assertEquals(Optional.empty(), installer.whyNotActive(bundle));
        assertEquals(List.of(bundle), installer.pluginBundles());
        assertEquals("info: Installed plugin io.example.a 1.0.0 (bundle " + bundle.getBundleId() + ") from "
                + jar.toUri(), log.lines("info").get(0));
    }

    @Test
    public void isPluginAnswersAsThePluginListDoesForEveryBundle() throws Exception {
        Bundle plugin = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Bundle library = felix.hostContext().installBundle(jar("lib.jar", TestJars.bundle(10,
                "Bundle-SymbolicName", "io.example.lib", "Bundle-Version", "1.0.0")).toUri().toString());

        assertTrue(installer.isPlugin(plugin));
        assertFalse("imports no io.plugboard.api package", installer.isPlugin(library));
        assertFalse("the host", installer.isPlugin(felix.host));
        assertFalse("the API bundle exports, not imports", installer.isPlugin(felix.api));
        for (Bundle bundle : felix.hostContext().getBundles()) {
            assertEquals(bundle.getSymbolicName(), installer.pluginBundles().contains(bundle), installer.isPlugin(bundle));
        }
    }

    @Test
    public void anActivatorThatThrowsIsReportedWithWhatItThrewAndRetriedWithoutRepeatingIt() throws Exception {
        Path jar = jar("throws.jar", TestJars.withClasses(List.of(ThrowingActivator.class),
                "Bundle-SymbolicName", "io.example.throws", "Bundle-Version", "1.0.0",
                "Bundle-Activator", ThrowingActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework"));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Bundle.RESOLVED, bundle.getState());
        String reason = "its activator threw java.lang.IllegalStateException: " + ThrowingActivator.MESSAGE
                + ", caused by java.io.FileNotFoundException: " + ThrowingActivator.ROOT_MESSAGE + " (at "
                + ThrowingActivator.class.getName() + ".start(ThrowingActivator.java:";
        assertTrue(installer.startFailure(bundle).orElseThrow(), installer.startFailure(bundle).orElseThrow().startsWith(reason));
        String why = installer.whyNotActive(bundle).orElseThrow();
        assertTrue(why, why.startsWith("io.example.throws 1.0.0, bundle " + bundle.getBundleId()
                + " is resolved but failed to start: " + reason));
        assertEquals(List.of("warn: Plugin io.example.throws 1.0.0 (bundle " + bundle.getBundleId()
                + ") is installed but not active: " + why), log.lines("warn"));

        // Tried again as a library comes (it might have brought what the activator lacked); said once.
        installer.install(jar("lib.jar", library("io.example.lib", "io.example.shared")).toString());
        assertEquals(Bundle.RESOLVED, bundle.getState());
        assertEquals(1, log.lines("warn").size());
    }

    @Test
    public void aFailedActivatorIsRetriedOnlyWhenSomethingArrivesAndOnlyAFewTimes() throws Exception {
        Bundle bundle = installer.install(jar("throws.jar", throwingPlugin()).toString());
        AtomicInteger runs = startsOf(bundle);

        // Nothing that could change its start: a plugin that offers nothing, a refused install.
        installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        assertThrows(PluginInstallException.class, () -> installer.install(jar("a.jar", TestJars.plugin("io.example.a",
                "1.0.0")).toString()));
        assertEquals("not run again", 0, runs.get());

        // A library that exports packages could: tried again, up to MAX_SAME_FAILURES runs in all.
        for (int i = 1; i <= PluginInstallerImpl.MAX_SAME_FAILURES + 1; i++) {
            installer.install(jar("lib" + i + ".jar", library("io.example.lib" + i, "io.example.shared" + i)).toString());
        }
        assertEquals(PluginInstallerImpl.MAX_SAME_FAILURES - 1, runs.get());
        assertTrue(log.lines("warn").toString(), log.lines("warn").get(1).startsWith("warn: Plugin io.example.throws 1.0.0"
                + " (bundle " + bundle.getBundleId() + ") failed to start " + PluginInstallerImpl.MAX_SAME_FAILURES
                + " times for the same reason; not retried automatically any more: update it"));

        // Updated: tried afresh.
        installer.update(bundle, null);
        assertEquals(PluginInstallerImpl.MAX_SAME_FAILURES, runs.get());
        assertEquals(Bundle.RESOLVED, bundle.getState());
    }

    @Test
    public void aFailedActivatorThatLeftThreadsRunningIsNotRetriedAutomatically() throws Exception {
        Path jar = jar("leaks.jar", TestJars.withClasses(List.of(LeakingActivator.class, LeakingActivator.Worker.class),
                "Bundle-SymbolicName", "io.example.leaks", "Bundle-Version", "1.0.0",
                "Bundle-Activator", LeakingActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework"));
        try {
            Bundle bundle = installer.install(jar.toString());
            AtomicInteger runs = startsOf(bundle);

            installer.install(jar("lib.jar", library("io.example.lib", "io.example.shared")).toString());

            assertEquals("not run again", 0, runs.get());
            assertEquals(1, workers().size());
            String why = installer.startFailure(bundle).orElseThrow();
            assertTrue(why, why.startsWith("its activator threw java.lang.IllegalStateException: started a thread,"
                    + " then failed (at " + LeakingActivator.class.getName() + ".start("));
            assertTrue(why, why.endsWith("; not retried automatically: it left threads running; fix it and update it"));
            assertEquals(1, log.lines("warn").size());
            assertTrue(log.lines("warn").get(0), log.lines("warn").get(0).endsWith(why));
        } finally {
            workers().forEach(Thread::interrupt);
        }
    }

    /** The threads the leaking activator left. */
    private static List<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(LeakingActivator.WORKER))
                .toList();
    }

    /** Counts the starts of the bundle's activator from now on. */
    private AtomicInteger startsOf(Bundle bundle) {
        AtomicInteger runs = new AtomicInteger();
        felix.hostContext().addBundleListener((SynchronousBundleListener) event -> {
            if (event.getBundle().equals(bundle) && event.getType() == BundleEvent.STARTING) {
                runs.incrementAndGet();
            }
        });
        return runs;
    }

    private static byte[] throwingPlugin() throws Exception {
        return TestJars.withClasses(List.of(ThrowingActivator.class),
                "Bundle-SymbolicName", "io.example.throws", "Bundle-Version", "1.0.0",
                "Bundle-Activator", ThrowingActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework");
    }

    /** A library exporting one package. */
    private static byte[] library(String name, String exported) throws Exception {
        return TestJars.bundle(10, "Bundle-SymbolicName", name, "Bundle-Version", "1.0.0",
                "Export-Package", exported + ";version=1.0.0");
    }

    @Test
    public void anActivatorExceptionThatCannotBePrintedFailsOnlyItsBundle() throws Exception {
        Path unprintable = jar("badmsg.jar", TestJars.withClasses(
                List.of(UnprintableActivator.class, UnprintableActivator.Unprintable.class),
                "Bundle-SymbolicName", "io.example.badmsg", "Bundle-Version", "1.0.0",
                "Bundle-Activator", UnprintableActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework"));
        Path cycle = jar("cycle.jar", TestJars.withClasses(List.of(CycleActivator.class),
                "Bundle-SymbolicName", "io.example.cycle", "Bundle-Version", "1.0.0",
                "Bundle-Activator", CycleActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework"));
        Path good = jar("good.jar", TestJars.plugin("io.example.good", "1.0.0"));

        List<Bundle> bundles = installer.installAll(List.of(unprintable.toString(), cycle.toString(), good.toString()),
                (path, e) -> { throw new AssertionError(path, e); });

        assertEquals("the others of the batch start", Bundle.ACTIVE, bundles.get(2).getState());
        assertEquals(Bundle.RESOLVED, bundles.get(0).getState());
        String why = installer.startFailure(bundles.get(0)).orElseThrow();
        assertTrue(why, why.startsWith("its activator threw " + UnprintableActivator.Unprintable.class.getName()
                + " (its message cannot be read: java.lang.IllegalStateException: toString throws) (at "
                + UnprintableActivator.class.getName() + ".start("));
        why = installer.startFailure(bundles.get(1)).orElseThrow();
        assertTrue(why, why.startsWith("its activator threw java.lang.RuntimeException: a, caused by"
                + " java.lang.RuntimeException: b (at " + CycleActivator.class.getName() + ".start("));
        assertEquals(2, log.lines("warn").size());
    }

    @Test
    public void anActivatorThatCallsSystemExitFailsItsStartAndTheHostRunsOn() throws Exception {
        felix.hostContext().registerService(WeavingHook.class, new ExitCallHook(felix.host, log.logger()), null);
        Path jar = jar("exits.jar", TestJars.withClasses(List.of(ExitingActivator.class),
                "Bundle-SymbolicName", "io.example.exits", "Bundle-Version", "1.0.0",
                "Bundle-Activator", ExitingActivator.class.getName(),
                "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\",org.osgi.framework"));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Bundle.RESOLVED, bundle.getState());
        assertEquals(Bundle.ACTIVE, felix.host.getState());
        String reason = "its activator threw java.lang.SecurityException: io.example.exits 1.0.0 (bundle "
                + bundle.getBundleId() + ") called System.exit(3); a plugin may not end the host (at "
                + ExitingActivator.class.getName() + ".start(ExitingActivator.java:";
        String why = installer.whyNotActive(bundle).orElseThrow();
        assertTrue(why, why.startsWith("io.example.exits 1.0.0, bundle " + bundle.getBundleId()
                + " is resolved but failed to start: " + reason));
        assertEquals(List.of("warn: Plugin io.example.exits 1.0.0 (bundle " + bundle.getBundleId()
                + ") is installed but not active: " + why), log.lines("warn"));
        assertTrue(log.lines("info").toString(), log.lines("info").contains("info: io.example.exits 1.0.0 (bundle "
                + bundle.getBundleId() + ") calls System.exit, Runtime.exit or Runtime.halt in "
                + ExitingActivator.class.getName() + ": such a call throws a SecurityException instead of ending Plugboard"));
    }

    @Test
    public void aLibraryInstalledHereIsStartedListedAndServesThePluginsThatNeedIt() throws Exception {
        Bundle user = installer.install(jar("user.jar", user()).toString());
        assertEquals(Bundle.INSTALLED, user.getState());

        Bundle library = installer.install(jar("lib.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.lib",
                "Bundle-Version", "1.0.0", "Export-Package", "io.example.shared;version=1.0.0")).toString());

        assertEquals("a library is started as FileInstall starts any bundle", Bundle.ACTIVE, library.getState());
        assertEquals("what it exports reaches the plugin waiting for it", Bundle.ACTIVE, user.getState());
        assertTrue(installer.isLibrary(library));
        assertFalse("imports io.plugboard.api: a plugin", installer.isLibrary(user));
        assertTrue(installer.isPlugin(library));
        assertEquals(List.of(user, library), installer.pluginBundles());
        assertTrue(log.lines("info").contains("info: Started library io.example.lib 1.0.0 (bundle "
                + library.getBundleId() + ")"));

        installer.uninstall(library);
        assertEquals(Bundle.UNINSTALLED, library.getState());
        assertEquals("refreshed: its import is gone", Bundle.INSTALLED, user.getState());
        assertTrue(log.lines("info").contains("info: Uninstalled library io.example.lib 1.0.0 (bundle "
                + library.getBundleId() + ")"));
    }

    @Test
    public void aLibraryUpdateThatARunningPluginCouldNotResolveAgainstIsRefusedAndTheOldVersionKeepsServing()
            throws Exception {
        Bundle library = installer.install(jar("lib.jar", library("1.0.0")).toString());
        Bundle user = installer.install(jar("user.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.user",
                "Bundle-Version", "1.0.0",
                "Import-Package", "io.plugboard.api.kv,io.example.shared;version=\"[1.0,2)\"")).toString());
        assertEquals(Bundle.ACTIVE, user.getState());
        Path v2 = jar("lib-v2.jar", library("2.0.0"));

        PluginInstallException refused = assertThrows(PluginInstallException.class,
                () -> installer.update(library, v2.toString()));

        assertEquals("not updated: io.example.lib 2.0.0 (" + v2 + ") would break the running plugin io.example.user"
                + " 1.0.0, bundle " + user.getBundleId() + ": it imports io.example.shared [1.0.0,2.0.0), but"
                + " io.example.lib 2.0.0 exports io.example.shared 2.0.0; io.example.lib 1.0.0 keeps serving",
                refused.getMessage());
        assertEquals(new Version(1, 0, 0), library.getVersion());
        assertEquals(Bundle.ACTIVE, library.getState());
        assertEquals("the plugin runs on, wired to the library's old version", Bundle.ACTIVE, user.getState());
        assertEquals(List.of(), log.lines("warn"));

        // A version the plugin can use is taken.
        installer.update(library, jar("lib-v11.jar", library("1.1.0")).toString());
        assertEquals(new Version(1, 1, 0), library.getVersion());
        assertEquals(Bundle.ACTIVE, user.getState());
    }

    @Test
    public void aLibraryRemovedUnderARunningPluginLeavesAWarningWithTheReasonAndThePluginKnownByItsName()
            throws Exception {
        Bundle library = installer.install(jar("lib.jar", library("1.0.0")).toString());
        String xml = "OSGI-INF/io.example.user.Store.xml";
        Bundle user = installer.install(jar("user.jar", TestJars.withEntries(
                Map.of(xml, TestJars.component("io.example.user.Store", "kv.user")),
                "Bundle-SymbolicName", "io.example.user", "Bundle-Version", "1.0.0",
                "Import-Package", "io.plugboard.api.kv,io.example.shared;version=\"[1.0,2)\"",
                "Service-Component", xml)).toString());
        assertEquals(Bundle.ACTIVE, user.getState());
        assertEquals(Optional.empty(), installer.whyNotResolved(user));

        installer.uninstall(library);

        assertEquals(Bundle.INSTALLED, user.getState());
        String why = "io.example.user 1.0.0, bundle " + user.getBundleId() + " is not resolved: it imports"
                + " io.example.shared [1.0.0,2.0.0), which no bundle exports";
        assertEquals(List.of("warn: Plugin io.example.user 1.0.0 (bundle " + user.getBundleId()
                + ") is installed but not active: " + why), log.lines("warn"));
        assertEquals(Optional.of("not resolved: it imports io.example.shared [1.0.0,2.0.0), which no bundle exports"),
                installer.whyNotResolved(user));
        assertEquals("read from its components, unresolved as it is", Map.of("kv.user", "kv"),
                installer.declaredPlugins(user));
    }

    @Test
    public void aFragmentOfARunningPluginAttachesAtOnceItsHostRefreshedAsInAnUpdate() throws Exception {
        List<Long> replaced = new ArrayList<>();
        installer = new PluginInstallerImpl(felix.hostContext(), log.logger(), bundle -> {
            replaced.add(bundle.getBundleId());
            return () -> replaced.add(-bundle.getBundleId());
        });
        Bundle host = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());

        Bundle fragment = installer.install(jar("frag.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.frag",
                "Bundle-Version", "1.0.0", "Fragment-Host", "io.example.a")).toString());

        assertEquals("attached", Bundle.RESOLVED, fragment.getState());
        assertEquals(fragment, host.adapt(BundleWiring.class).getProvidedWires(HostNamespace.HOST_NAMESPACE).get(0)
                .getRequirer().getBundle());
        assertEquals(Bundle.ACTIVE, host.getState());
        assertEquals("calls to the host's plugins wait for it over the refresh", List.of(host.getBundleId(),
                -host.getBundleId()), replaced);
        assertEquals(Optional.empty(), installer.whyNotActive(fragment));
        assertTrue(installer.isFragment(fragment));
        assertTrue(log.lines("info").contains("info: Refreshed plugin io.example.a 1.0.0 (bundle " + host.getBundleId()
                + ") to attach its fragment io.example.frag 1.0.0 (bundle " + fragment.getBundleId() + ")"));
    }

    @Test
    public void aFragmentOfABundleThatIsNotAPluginWaitsForTheNextStartAndSaysSo() throws Exception {
        Bundle fragment = installer.install(jar("frag.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.frag",
                "Bundle-Version", "1.0.0", "Fragment-Host", "io.plugboard.api")).toString());

        assertEquals("the API bundle is not refreshed for it", Bundle.INSTALLED, fragment.getState());
        String host = "io.plugboard.api 0.1.0, bundle " + felix.api.getBundleId();
        assertEquals(Optional.of("io.example.frag 1.0.0, bundle " + fragment.getBundleId() + " is not attached:"
                + " fragment of " + host + "; attaches when it is refreshed or at the next start"),
                installer.whyNotActive(fragment));
        assertEquals(Optional.of("not attached: fragment of " + host + "; attaches when it is refreshed or at the next"
                + " start"), installer.whyNotResolved(fragment));
    }

    /** A library exporting io.example.shared at its own version. */
    private static byte[] library(String version) throws Exception {
        return TestJars.bundle(10, "Bundle-SymbolicName", "io.example.lib", "Bundle-Version", version,
                "Export-Package", "io.example.shared;version=" + version);
    }

    @Test
    public void aSecondBundleDeclaringAPluginAtTheSameVersionIsRefusedNamingTheFirst() throws Exception {
        Path first = jar("zh.jar", TestJars.pluginNamed("io.example.zh", "1.0.0", "greeter.zh"));
        Bundle bundle = installer.install(first.toString());
        Path other = jar("other.jar", TestJars.pluginNamed("io.example.other", "1.0.0", "greeter.zh"));
        int before = felix.hostContext().getBundles().length;

        assertInstallFails(other.toString(), other + " declares the plugin greeter.zh 1.0.0, which bundle "
                + bundle.getBundleId() + " (io.example.zh 1.0.0, from " + first + ") declares already; two bundles"
                + " cannot serve one plugin name and version (plugin:use could not tell them apart): give the plugin"
                + " another name or version, or uninstall bundle " + bundle.getBundleId() + " first");
        assertEquals("nothing left installed", before, felix.hostContext().getBundles().length);

        // Versions side by side: of the same bundle, or another bundle's at another version.
        installer.install(jar("zh2.jar", TestJars.pluginNamed("io.example.zh", "2.0.0", "greeter.zh")).toString());
        Bundle other3 = installer.install(jar("other3.jar",
                TestJars.pluginNamed("io.example.other", "3.0.0", "greeter.zh")).toString());
        // Nor may an update bring a bundle to a name and version another bundle has.
        Path zh3 = jar("zh3.jar", TestJars.pluginNamed("io.example.zh", "3.0.0", "greeter.zh"));
        PluginInstallException refused = assertThrows(PluginInstallException.class,
                () -> installer.update(bundle, zh3.toString()));
        assertTrue(refused.getMessage(), refused.getMessage().startsWith(zh3 + " declares the plugin greeter.zh 3.0.0,"
                + " which bundle " + other3.getBundleId() + " (io.example.other 3.0.0, from "));
        assertEquals(new Version(1, 0, 0), bundle.getVersion());

        // The first gone, the second is taken.
        installer.uninstall(bundle);
        assertEquals(Bundle.ACTIVE, installer.install(other.toString()).getState());
    }

    @Test
    public void ofTwoJarsOfABatchDeclaringOnePluginAndVersionTheFirstInTheListIsInstalled() throws Exception {
        for (int threads : new int[] {1, 4}) {
            List<String> files = new ArrayList<>();
            for (int i = 0; i < PluginInstallerImpl.PARALLEL_MIN; i++) {
                files.add(jar("t" + threads + "-" + i + ".jar", TestJars.pluginNamed("io.example.t" + threads + "x" + i,
                        "1.0.0", i == 3 || i == 7 ? "kv.same" + threads : "kv.t" + threads + "x" + i)).toString());
            }
            Map<String, String> failures = new ConcurrentHashMap<>();

            List<Bundle> bundles = installer.installAll(files, (file, e) -> failures.put(file, e.getMessage()), threads);

            assertEquals(files.size() - 1, bundles.size());
            assertEquals(Set.of(files.get(7)), failures.keySet());
            assertTrue(failures.get(files.get(7)), failures.get(files.get(7)).startsWith(files.get(7)
                    + " declares the plugin kv.same" + threads + " 1.0.0, which bundle "));
            assertTrue(failures.get(files.get(7)).contains("(io.example.t" + threads + "x3 1.0.0, from "));
        }
    }

    @Test
    public void sameLocationTwiceIsRejected() throws Exception {
        Path jar = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));
        Bundle bundle = installer.install(jar.toString());

        assertInstallFails(jar.toString(), jar + " is already installed as bundle " + bundle.getBundleId() + "; use plugin:update");
    }

    @Test
    public void sameNameAndVersionFromAnotherFileIsRejected() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Path copy = jar("copy.jar", TestJars.plugin("io.example.a", "1.0.0"));

        assertInstallFails(copy.toString(), "io.example.a 1.0.0 is already installed as bundle " + bundle.getBundleId()
                + " (from " + bundle.getLocation() + "); use plugin:update");
    }

    @Test
    public void invalidJarsAreRejectedBeforeTheFrameworkSeesThem() throws Exception {
        Path text = Files.writeString(temp.getRoot().toPath().resolve("text.jar"), "hello");

        assertInstallFails(text.toString(), text + " is not a valid jar (zip) file: zip END header not found");
        assertEquals(3, felix.hostContext().getBundles().length);
    }

    @Test
    public void explainsAnImportRangeTheFrameworkCannotSatisfy() throws Exception {
        Path jar = jar("new.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.new", "Bundle-Version", "1.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\",io.plugboard.api.foo"));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Bundle.INSTALLED, bundle.getState());
        assertEquals(Optional.of("io.example.new 1.0.0, bundle " + bundle.getBundleId() + " is not resolved: it imports "
                + "io.plugboard.api.kv [2.0.0,3.0.0), but the framework has io.plugboard.api.kv 1.0.0 (from "
                + "io.plugboard.api 0.1.0, bundle " + felix.api.getBundleId() + "); it imports io.plugboard.api.foo, "
                + "which no bundle exports"), installer.whyNotActive(bundle));
        assertEquals(1, log.lines("warn").size());
    }

    @Test
    public void explainsAMissingExecutionEnvironment() throws Exception {
        Path jar = jar("ee.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.ee",
                "Import-Package", "io.plugboard.api", "Require-Capability", "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=99))\""));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Optional.of("io.example.ee 0.0.0, bundle " + bundle.getBundleId() + " is not resolved: it requires "
                + "osgi.ee (&(osgi.ee=JavaSE)(version=99)), which no bundle provides"), installer.whyNotActive(bundle));
    }

    @Test
    public void explainsAFailedStart() throws Exception {
        Path jar = jar("broken.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.broken",
                "Import-Package", "io.plugboard.api", "Bundle-Activator", "io.example.Missing"));

        Bundle bundle = installer.install(jar.toString());

        assertEquals(Bundle.RESOLVED, bundle.getState());
        String why = installer.whyNotActive(bundle).orElseThrow();
        assertTrue(why, why.startsWith("io.example.broken 0.0.0, bundle " + bundle.getBundleId()
                + " is resolved but failed to start: "));
        assertTrue(why, why.contains("io.example.Missing"));
    }

    @Test
    public void aWaitingPluginStartsWhenItsImportArrives() throws Exception {
        Bundle user = installer.install(jar("user.jar", user()).toString());
        assertEquals(Bundle.INSTALLED, user.getState());

        installer.install(jar("shared.jar", shared()).toString());

        assertEquals(Bundle.ACTIVE, user.getState());
        assertEquals(Optional.empty(), installer.whyNotActive(user));
    }

    @Test
    public void installAllStartsPluginsThatNeedEachOtherWithoutWarnings() throws Exception {
        List<String> failures = new ArrayList<>();

        List<Bundle> bundles = installer.installAll(List.of(jar("user.jar", user()).toString(),
                temp.getRoot() + "/missing.jar", jar("shared.jar", shared()).toString()),
                (file, e) -> failures.add(e.getMessage()));

        assertEquals(2, bundles.size());
        bundles.forEach(b -> assertEquals(b.getSymbolicName(), Bundle.ACTIVE, b.getState()));
        assertEquals(List.of(temp.getRoot() + "/missing.jar does not exist"), failures);
        assertEquals(List.of(), log.lines("warn"));
    }

    @Test
    public void manyPluginsStartedAtOnceAreEachStartedOrReportedOnce() throws Exception {
        int count = PluginInstallerImpl.PARALLEL_MIN * 2 + 5;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Every fifth has an activator class that is not there: its start fails.
            files.add(jar("p" + i + ".jar", i % 5 == 0
                    ? TestJars.bundle(10, "Bundle-SymbolicName", "io.example.broken" + i,
                            "Import-Package", "io.plugboard.api", "Bundle-Activator", "io.example.Missing")
                    : TestJars.plugin("io.example.p" + i, "1.0.0")).toString());
        }

        List<Bundle> bundles = installer.installAll(files, (file, e) -> { throw e; });
        installer.startWaiting();

        assertEquals(count, bundles.size());
        List<String> expectedWarnings = new ArrayList<>();
        List<String> expectedStarts = new ArrayList<>();
        for (Bundle b : bundles) {
            boolean broken = b.getSymbolicName().startsWith("io.example.broken");
            assertEquals(b.getSymbolicName(), broken ? Bundle.RESOLVED : Bundle.ACTIVE, b.getState());
            assertEquals(b.getSymbolicName(), broken, installer.whyNotActive(b).isPresent());
            if (broken) {
                expectedWarnings.add("warn: Plugin " + b.getSymbolicName() + " 0.0.0 (bundle " + b.getBundleId()
                        + ") is installed but not active: " + installer.whyNotActive(b).orElseThrow());
            } else {
                expectedStarts.add("info: Started plugin " + b.getSymbolicName() + " 1.0.0 (bundle "
                        + b.getBundleId() + ")");
            }
        }
        // Started on several threads, so the log is in no set order: compared sorted.
        List<String> warnings = new ArrayList<>(log.lines("warn"));
        List<String> starts = new ArrayList<>(log.lines("info"));
        starts.removeIf(line -> !line.startsWith("info: Started plugin "));
        expectedWarnings.sort(null);
        expectedStarts.sort(null);
        warnings.sort(null);
        starts.sort(null);
        assertEquals(expectedWarnings, warnings);
        assertEquals(expectedStarts, starts);
    }

    @Test
    public void aLargeBatchOnSeveralThreadsInstallsEachGoodJarOnceAndRefusesEachBadOneOnce() throws Exception {
        assertLargeBatch(4);
    }

    @Test
    public void aLargeBatchOneByOneHasTheSameOutcome() throws Exception {
        assertLargeBatch(1);
    }

    /**
     * A batch large enough for several threads, of good jars, damaged and invalid ones, jars of a
     * name and version that an earlier jar of the batch (next to it, or further up) or a bundle
     * installed before has, one the framework refuses followed by another of its name and version,
     * and a file listed twice: each good jar installed once, each other reported once, in list order.
     */
    private void assertLargeBatch(int threads) throws Exception {
        String before = installer.install(jar("before.jar", TestJars.plugin("io.example.before", "1.0.0")).toString())
                .getLocation();
        int count = PluginInstallerImpl.PARALLEL_MIN * 2 + 6;
        List<String> files = new ArrayList<>();
        // Per file, the message it is refused with (worked out once all are installed), or null.
        List<Supplier<String>> refusals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "p" + i + ".jar";
            Path file = temp.getRoot().toPath().resolve(name);
            if (i == 1) {
                jar(name, TestJars.plugin("io.example.before", "1.0.0"));
                refusals.add(() -> duplicateOf("io.example.before", before));
            } else if (i == 11) {
                jar(name, TestJars.bundle(10, "Bundle-SymbolicName", "io.example.retry", "Bundle-Version", "1.0.0",
                        "Import-Package", "io.plugboard.api.kv,io.plugboard.api.kv"));
                refusals.add(() -> "Cannot install " + file + ": Duplicate import: io.plugboard.api.kv");
            } else if (i == 12) {
                // The earlier jar of its name and version failed: this one is installed.
                jar(name, TestJars.plugin("io.example.retry", "1.0.0"));
                refusals.add(() -> null);
            } else if (i % 10 == 3) {
                Files.writeString(file, "hello");
                refusals.add(() -> file + " is not a valid jar (zip) file: zip END header not found");
            } else if (i % 10 == 5 || i % 10 == 7) {
                // Of the name and version of the jar just before, or of one seven places up.
                int earlier = i % 10 == 5 ? i - 1 : i - 7;
                jar(name, TestJars.plugin("io.example.p" + earlier, "1.0.0"));
                String winner = files.get(earlier);
                refusals.add(() -> duplicateOf("io.example.p" + earlier, Path.of(winner).toUri().toString()));
            } else if (i % 10 == 6) {
                jar(name, TestJars.withoutManifest());
                refusals.add(() -> file + " has no META-INF/MANIFEST.MF, so it is not an OSGi bundle");
            } else if (i % 10 == 8) {
                jar(name, TestJars.bundle(10, "Bundle-SymbolicName", "io.example.v" + i, "Bundle-Version", "one",
                        "Import-Package", "io.plugboard.api.kv"));
                refusals.add(() -> file + " has an invalid Bundle-Version 'one'");
            } else {
                jar(name, TestJars.plugin("io.example.p" + i, "1.0.0"));
                refusals.add(() -> null);
            }
            files.add(file.toString());
        }
        String twice = files.get(2);
        files.add(twice);
        refusals.add(() -> twice + " is already installed as bundle " + idOf(Path.of(twice).toUri().toString())
                + "; use plugin:update");

        Map<String, Integer> installs = new ConcurrentHashMap<>();
        Set<String> installingThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch secondThread = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        felix.hostContext().addBundleListener((SynchronousBundleListener) event -> {
            if (event.getType() != BundleEvent.INSTALLED) {
                return;
            }
            installs.merge(event.getBundle().getLocation(), 1, Integer::sum);
            installingThreads.add(Thread.currentThread().getName());
            if (installingThreads.size() > 1) {
                secondThread.countDown();
            }
            // On several threads the first install is held until another thread has installed one,
            // so the batch is certainly installed on more than one.
            if (threads > 1 && first.compareAndSet(true, false)) {
                try {
                    secondThread.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        List<String> failures = new ArrayList<>();

        List<Bundle> bundles = installer.installAll(files, (file, e) -> failures.add(file + ": " + e.getMessage()),
                threads);

        List<String> expectedFailures = new ArrayList<>();
        List<String> expectedLocations = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String refusal = refusals.get(i).get();
            if (refusal != null) {
                expectedFailures.add(files.get(i) + ": " + refusal);
            } else {
                expectedLocations.add(Path.of(files.get(i)).toUri().toString());
            }
        }
        assertEquals(String.join("\n", expectedFailures), String.join("\n", failures));
        List<String> locations = new ArrayList<>();
        for (Bundle b : bundles) {
            locations.add(b.getLocation());
            assertEquals(b.getSymbolicName(), Bundle.ACTIVE, b.getState());
        }
        assertEquals(expectedLocations, locations);
        Map<String, Integer> once = new HashMap<>();
        for (String location : expectedLocations) {
            once.put(location, 1);
        }
        assertEquals(once, installs);
        assertEquals(threads > 1 ? "on several threads " + installingThreads : "on one thread", threads > 1,
                installingThreads.size() > 1);
        assertEquals(expectedLocations.size(), log.lines("info").stream()
                .filter(line -> line.startsWith("info: Installed plugin ") && !line.contains(before)).count());
    }

    /** The refusal of a jar whose name and version the bundle installed from the location has. */
    private String duplicateOf(String symbolicName, String location) {
        return symbolicName + " 1.0.0 is already installed as bundle " + idOf(location) + " (from " + location
                + "); use plugin:update";
    }

    /** The id of the bundle installed from the location, or a word that shows in a failed comparison. */
    private String idOf(String location) {
        Bundle bundle = felix.hostContext().getBundle(location);
        return bundle == null ? "(none installed)" : Long.toString(bundle.getBundleId());
    }

    @Test
    public void installAllRejectsTheSecondOfTwoJarsWithTheSameNameAndVersion() throws Exception {
        List<String> failures = new ArrayList<>();
        Path first = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));
        Path second = jar("copy.jar", TestJars.plugin("io.example.a", "1.0.0"));

        List<Bundle> bundles = installer.installAll(List.of(first.toString(), second.toString()),
                (file, e) -> failures.add(e.getMessage()));

        assertEquals(1, bundles.size());
        assertEquals(List.of("io.example.a 1.0.0 is already installed as bundle " + bundles.get(0).getBundleId()
                + " (from " + first.toUri() + "); use plugin:update"), failures);
    }

    @Test
    public void updateReplacesTheCodeAndWaitsForTheRefresh() throws Exception {
        Path jar = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));
        Bundle bundle = installer.install(jar.toString());
        jar("a.jar", TestJars.plugin("io.example.a", "1.1.0"));
        List<Integer> events = new ArrayList<>();
        // Synchronous: an asynchronous listener may get STARTED only after it was removed below.
        SynchronousBundleListener recorder = event -> {
            if (event.getBundle() == bundle) {
                events.add(event.getType());
            }
        };
        felix.hostContext().addBundleListener(recorder);

        installer.update(bundle, null);
        felix.hostContext().removeBundleListener(recorder);

        assertEquals("the new version starts once, not once for the update and again for the refresh",
                1, events.stream().filter(type -> type == BundleEvent.STARTED).count());

        assertEquals(new Version(1, 1, 0), bundle.getVersion());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals("the old revision is gone once update returns", 1,
                bundle.adapt(BundleRevisions.class).getRevisions().size());
        assertTrue(log.lines("info").contains("info: Updated plugin io.example.a from 1.0.0 to 1.1.0 (bundle "
                + bundle.getBundleId() + ")"));
    }

    @Test
    public void updateToAVersionThatCannotResolveIsRefusedAndTheRunningVersionServesOn() throws Exception {
        Path jar = jar("a.jar", TestJars.plugin("io.example.a", "1.0.0"));
        Bundle bundle = installer.install(jar.toString());
        byte[] filler = bundle.getEntry("data/filler.txt").openStream().readAllBytes();
        Path bad = jar("a-2.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));

        PluginInstallException e = assertThrows(PluginInstallException.class, () -> installer.update(bundle, bad.toString()));

        assertEquals("not updated: io.example.a 2.0.0 (" + bad + ") cannot resolve: it imports io.plugboard.api.kv "
                + "[2.0.0,3.0.0), but the framework has io.plugboard.api.kv 1.0.0 (from io.plugboard.api 0.1.0, bundle "
                + felix.api.getBundleId() + "); io.example.a 1.0.0 keeps serving", e.getMessage());
        assertEquals(new Version(1, 0, 0), bundle.getVersion());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(Optional.empty(), installer.whyNotActive(bundle));
        assertEquals("the refused revision is gone", 1, bundle.adapt(BundleRevisions.class).getRevisions().size());
        assertEquals("the same entries as before", new String(filler),
                new String(bundle.getEntry("data/filler.txt").openStream().readAllBytes()));
        assertTrue("its jar still has the content it runs", installer.hasContentOf(bundle, jar));
        assertEquals(List.of(bundle), installer.pluginBundles());
        assertFalse(log.lines("info").toString(), log.lines("info").stream().anyMatch(l -> l.contains("Updated plugin")));
    }

    @Test
    public void updateToAVersionThatFailsToStartIsRefusedAndTheRunningVersionServesOn() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Path broken = jar("a-2.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv", "Bundle-Activator", "io.example.Missing"));

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> installer.update(bundle, broken.toString()));

        assertTrue(e.getMessage(), e.getMessage().startsWith("not updated: io.example.a 2.0.0 (" + broken
                + ") failed to start: "));
        assertTrue(e.getMessage(), e.getMessage().contains("io.example.Missing"));
        assertTrue(e.getMessage(), e.getMessage().endsWith("; io.example.a 1.0.0 keeps serving"));
        assertEquals(new Version(1, 0, 0), bundle.getVersion());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(Optional.empty(), installer.whyNotActive(bundle));
    }

    @Test
    public void aStoppedPluginIsUpdatedEvenToAVersionThatCannotResolve() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        bundle.stop();
        // Nothing serves that could be kept: the update is what the user asked for, as before.
        Path bad = jar("a-2.jar", TestJars.bundle(10, "Bundle-SymbolicName", "io.example.a", "Bundle-Version", "2.0.0",
                "Import-Package", "io.plugboard.api.kv;version=\"[2.0,3)\""));

        installer.update(bundle, bad.toString());

        assertEquals(new Version(2, 0, 0), bundle.getVersion());
        assertEquals(Bundle.INSTALLED, bundle.getState());
    }

    @Test
    public void updateWithAnotherPluginIsRejected() throws Exception {
        Bundle bundle = installer.install(jar("a.jar", TestJars.plugin("io.example.a", "1.0.0")).toString());
        Path other = jar("b.jar", TestJars.plugin("io.example.b", "1.0.0"));

        PluginInstallException e = assertThrows(PluginInstallException.class, () -> installer.update(bundle, other.toString()));

        assertEquals(other + " is io.example.b, but bundle " + bundle.getBundleId()
                + " is io.example.a; install it as a new plugin instead (in the plugins folder: under another file name)", e.getMessage());
        assertEquals(new Version(1, 0, 0), bundle.getVersion());
    }

    @Test
    public void aJarNamingAPluginThatRunsFromAFileIsRefusedUntilThatPluginIsGone() throws Exception {
        TestFileHandler files = new TestFileHandler();
        PluginFileHandlers handlers = new PluginFileHandlers(log.logger());
        handlers.add(new FileHandler(".greeting", files, 41, 0, 7, "io.example.greetings 1.0.0"));
        installer.fileHandlers = handlers;
        Path descriptor = Files.writeString(temp.getRoot().toPath().resolve("kv.greeting"), "kv.memory\n");
        files.install(descriptor);
        Path jar = jar("kv-memory.jar", TestJars.pluginNamed("io.example.kv", "1.0.0", "kv.memory"));

        PluginInstallException e = assertThrows(PluginInstallException.class, () -> installer.install(jar.toString()));
        String refusal = jar + " declares the plugin kv.memory, which already runs from " + descriptor + "; a bundle"
                + " and a plugin run from a file cannot share a name: give the bundle's plugin another name or uninstall"
                + " kv.greeting first";
        assertEquals(refusal, e.getMessage());
        assertEquals("nothing installed", List.of(), installer.pluginBundles());
        // The watched folder's batch is refused the same way.
        Map<String, String> refused = new HashMap<>();
        assertEquals(List.of(),
                installer.installAll(List.of(jar.toString()), (file, ex) -> refused.put(file, ex.getMessage())));
        assertEquals(Map.of(jar.toString(), refusal), refused);

        // An update to a version that names it is refused too: the version that runs stays.
        Path older = jar("other.jar", TestJars.pluginNamed("io.example.kv", "0.9.0", "kv.other"));
        Bundle other = installer.install(older.toString());
        PluginInstallException update = assertThrows(PluginInstallException.class,
                () -> installer.update(other, jar.toString()));
        assertEquals(refusal, update.getMessage());
        assertEquals(new Version(0, 9, 0), other.getVersion());
        assertEquals(Bundle.ACTIVE, other.getState());

        // Once the file's plugin is gone, the jar is taken.
        files.uninstall(descriptor);
        assertEquals(Bundle.ACTIVE, installer.install(jar.toString()).getState());
    }

    @Test
    public void uninstallRefreshesDependentsBeforeReturning() throws Exception {
        Bundle shared = installer.install(jar("shared.jar", shared()).toString());
        Bundle user = installer.install(jar("user.jar", user()).toString());
        assertEquals(Bundle.ACTIVE, user.getState());

        installer.uninstall(shared);

        assertEquals(Bundle.UNINSTALLED, shared.getState());
        assertEquals("refreshed: its import is gone", Bundle.INSTALLED, user.getState());
        assertEquals(List.of(user), installer.pluginBundles());
        assertTrue(log.lines("info").contains("info: Uninstalled plugin io.example.shared 1.0.0 (bundle "
                + shared.getBundleId() + ")"));
    }

    @Test
    public void theHostIsNotAPluginAndCannotBeUninstalled() {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> installer.uninstall(felix.host));

        assertEquals("io.plugboard.host 0.1.0, bundle " + felix.host.getBundleId() + " is part of the runtime, not a plugin",
                e.getMessage());
    }

    @Test
    public void aBundleOfTheRuntimeIsNotAPluginAndCannotBeUninstalledNorUpdated() throws Exception {
        Bundle runtimePart = felix.hostContext().installBundle("plugboard:boot/part.jar#1234-5",
                new java.io.ByteArrayInputStream(TestJars.plugin("io.example.part", "1.0.0")));
        String expected = "io.example.part 1.0.0, bundle " + runtimePart.getBundleId() + " is part of the runtime (from"
                + " plugboard.jar), not a plugin; it is replaced with plugboard.jar";
        assertEquals(expected, assertThrows(PluginInstallException.class, () -> installer.uninstall(runtimePart))
                .getMessage());
        assertEquals(expected, assertThrows(PluginInstallException.class, () -> installer.update(runtimePart, null))
                .getMessage());
        assertEquals(Bundle.INSTALLED, runtimePart.getState());
    }

    private void assertInstallFails(String pathOrUrl, String message) {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> installer.install(pathOrUrl));
        assertEquals(message, e.getMessage());
    }

    @Test
    public void aJarTooLargeForMemoryFromASingleUseUrlIsDownloadedOnce() throws Exception {
        byte[] content = TestJars.withStoredFiller(JarBytes.MAX_IN_MEMORY + 1, "Bundle-SymbolicName", "io.example.big",
                "Bundle-Version", "1.0.0", "Import-Package", "io.plugboard.api.kv;version=\"[1.0,2)\"");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // As a signed, expiring link does: the first request gets the jar, any later one 410 Gone.
        server.createContext("/big.jar", exchange -> {
            try (exchange) {
                if (requests.incrementAndGet() == 1) {
                    exchange.sendResponseHeaders(200, content.length);
                    exchange.getResponseBody().write(content);
                } else {
                    exchange.sendResponseHeaders(410, -1);
                }
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/big.jar";
            Set<Path> spilledBefore = spilledDownloads();

            Bundle bundle = installer.install(url);

            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertEquals(url, bundle.getLocation());
            assertEquals(1, requests.get());
            assertEquals("the spilled download is deleted", spilledBefore, spilledDownloads());
        } finally {
            server.stop(0);
        }
    }

    private static Set<Path> spilledDownloads() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("plugboard-download-")).collect(Collectors.toSet());
        }
    }

    private Path jar(String name, byte[] content) throws Exception {
        return TestJars.write(temp.getRoot().toPath().resolve(name), content);
    }

    // Two plugins where one needs a package the other exports.
    private static byte[] shared() throws Exception {
        return TestJars.bundle(10, "Bundle-SymbolicName", "io.example.shared", "Bundle-Version", "1.0.0",
                "Import-Package", "io.plugboard.api.kv", "Export-Package", "io.example.shared;version=1.0.0");
    }

    private static byte[] user() throws Exception {
        return TestJars.bundle(10, "Bundle-SymbolicName", "io.example.user", "Bundle-Version", "1.0.0",
                "Import-Package", "io.plugboard.api.kv,io.example.shared");
    }
}
