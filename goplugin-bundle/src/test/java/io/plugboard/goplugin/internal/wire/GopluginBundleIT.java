package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleReference;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;


/**
 * The built goplugin bundle in a real Felix with nothing but the API bundle, OSGi API bundles and
 * SCR: it resolves on the JDK, OSGi and our API alone, Netty's epoll library loads through the bundle's class loader, and
 * its PluginChannels does a Put and a Get over a unix socket. Reflection, since the classes the
 * test means are the bundle's copies, not the class path's.
 */
public class GopluginBundleIT {

    private static final String CHANNELS = "io.plugboard.goplugin.internal.wire.PluginChannels";
    private static final String HANDSHAKE = "io.plugboard.goplugin.internal.launch.Handshake";

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Framework framework;
    private Bundle api;
    private Bundle goplugin;

    @Before
    public void startFramework() throws Exception {
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, temp.newFolder("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        BundleContext system = framework.getBundleContext();
        api = system.installBundle(jar(System.getProperty("api.bundle"), "the api bundle"));
        // The OSGi Log API (its spec jar is a bundle) and SCR with what it needs: installed, so
        // that the bundle's imports and its requirement of the DS extender resolve; not started,
        // because running the bundle's components is not what this test is about.
        String osgiBundles = System.getProperty("osgi.bundles");
        assertNotNull("no system property osgi.bundles", osgiBundles);
        for (String path : osgiBundles.split(",")) {
            system.installBundle(jar(path, "an OSGi bundle"));
        }
        goplugin = system.installBundle(jar(System.getProperty("goplugin.bundle"), "the goplugin bundle"));
        goplugin.start();
    }

    /** The jar at a path the build passes in a system property (see this module's pom). */
    private static String jar(String path, String what) {
        assertNotNull(what + ": no path given", path);
        assertTrue(what + " must be a built jar (run `mvn verify`), not " + path,
                path.endsWith(".jar") && Files.isRegularFile(Path.of(path)));
        return Path.of(path).toUri().toString();
    }

    @After
    public void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    public void theBundleResolvesOnTheJdkOsgiAndTheApiAlone() {
        assertEquals(Bundle.ACTIVE, goplugin.getState());
        Set<String> providers = new TreeSet<>();
        for (BundleWire wire : goplugin.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            providers.add(wire.getProvider().getSymbolicName());
        }
        providers.remove(framework.getSymbolicName());
        providers.remove(api.getSymbolicName());
        providers.removeIf(name -> name.startsWith("org.osgi."));
        assertEquals("packages wired from bundles other than the system, OSGi API and api bundles", Set.of(),
                providers);
        assertEquals("the bundle exports nothing", null, goplugin.getHeaders().get(Constants.EXPORT_PACKAGE));
    }

    @Test
    public void epollLoadsThroughTheBundle() throws Exception {
        Class<?> epoll = goplugin.loadClass("io.grpc.netty.shaded.io.netty.channel.epoll.Epoll");
        assertBundles(epoll);
        // PluginChannels points Netty at an executable directory first; so does this test.
        Class<?> channels = goplugin.loadClass(CHANNELS);
        Object instance = channels.getConstructor(Path.class).newInstance(temp.newFolder("native").toPath());
        try {
            Throwable cause = (Throwable) epoll.getMethod("unavailabilityCause").invoke(null);
            assertTrue("epoll unavailable in the bundle: " + cause, (Boolean) epoll.getMethod("isAvailable").invoke(null));
            // sun.misc is an optional import: wired, Netty's buffers take their fast path.
            assertTrue("Netty in the bundle has no sun.misc.Unsafe", (Boolean) goplugin
                    .loadClass("io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent").getMethod("hasUnsafe")
                    .invoke(null));
        } finally {
            ((AutoCloseable) instance).close();
        }
    }

    @Test
    public void theLibrariesAreInlineWithEveryServiceProviderGrpcLooksUp() throws Exception {
        // No jar on Bundle-ClassPath: a first start would have Felix unpack each into its cache.
        String classPath = goplugin.getHeaders().get(Constants.BUNDLE_CLASSPATH);
        assertTrue("Bundle-ClassPath: " + classPath, classPath == null || classPath.trim().equals("."));
        // gRPC finds these through ServiceLoader on its own class loader: the services files of
        // grpc-core and grpc-netty-shaded (both name NameResolverProviders) must be merged.
        Object names = goplugin.loadClass("io.grpc.NameResolverRegistry").getMethod("getDefaultRegistry").invoke(null);
        for (String scheme : new String[] {"dns", "unix"}) {
            Object provider = names.getClass().getMethod("getProviderForScheme", String.class).invoke(names, scheme);
            assertNotNull("no name resolver for " + scheme, provider);
            assertBundles(provider.getClass());
        }
        Object balancers = goplugin.loadClass("io.grpc.LoadBalancerRegistry").getMethod("getDefaultRegistry").invoke(null);
        Object pickFirst = balancers.getClass().getMethod("getProvider", String.class).invoke(balancers, "pick_first");
        assertNotNull("no pick_first load balancer", pickFirst);
        assertBundles(pickFirst.getClass());
    }

    @Test
    public void putAndGetWorkThroughTheBundlesChannels() throws Exception {
        Class<?> channelsClass = goplugin.loadClass(CHANNELS);
        Class<?> handshakeClass = goplugin.loadClass(HANDSHAKE);
        assertBundles(channelsClass);
        assertBundles(goplugin.loadClass("io.grpc.ManagedChannel"));
        assertBundles(goplugin.loadClass("com.google.protobuf.ByteString"));
        assertFalse("the test's own copy is another class", channelsClass == PluginChannels.class);

        try (TestPluginServer server = TestPluginServer.unix(temp.getRoot().toPath().resolve("plugin.sock"));
                AutoCloseable channels = (AutoCloseable) channelsClass.getConstructor(Path.class)
                        .newInstance(temp.newFolder("native").toPath())) {
            Constructor<?> handshake = handshakeClass.getConstructor(int.class, int.class, String.class, String.class,
                    String.class, String.class);
            Object theirs = handshake.newInstance(1, 1, "unix", server.handshake().address(), "grpc", "");
            Method connect = channelsClass.getMethod("connect", handshakeClass, String.class);
            try (AutoCloseable channel = (AutoCloseable) connect.invoke(channels, theirs, "kv-in-felix")) {
                Class<?> channelClass = channel.getClass();
                Duration deadline = Duration.ofSeconds(10);
                assertTrue((Boolean) channelClass.getMethod("awaitServing", Duration.class).invoke(channel, deadline));
                byte[] value = {0, 1, 2, (byte) 0xff};
                channelClass.getMethod("put", String.class, byte[].class, Duration.class).invoke(channel, "k", value,
                        deadline);
                Optional<?> got = (Optional<?>) channelClass.getMethod("get", String.class, Duration.class)
                        .invoke(channel, "k", deadline);
                assertArrayEquals(value, (byte[]) got.orElseThrow());
                assertTrue("the broker stream was opened", server.awaitBrokerOpened(10));
            }
        }
    }

    /** The class came from the goplugin bundle's own class loader. */
    private void assertBundles(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        assertTrue(type + " was loaded by " + loader, loader instanceof BundleReference);
        assertSame(goplugin, ((BundleReference) loader).getBundle());
    }
}
