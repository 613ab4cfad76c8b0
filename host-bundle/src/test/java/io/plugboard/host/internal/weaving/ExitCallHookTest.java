package io.plugboard.host.internal.weaving;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.weaving.WeavingHook;

import io.plugboard.host.internal.deploy.FelixFramework;
import io.plugboard.host.internal.deploy.TestJars;
import io.plugboard.testing.RecordingLogger;

/** Which bundles' classes the hook rewrites, in a real Felix framework. */
public class ExitCallHookTest {

    private final TemporaryFolder temp = new TemporaryFolder();
    private final FelixFramework felix = new FelixFramework(temp);

    @Rule
    public RuleChain rules = RuleChain.outerRule(temp).around(felix);

    private final RecordingLogger log = new RecordingLogger();

    @Before
    public void registerHook() {
        felix.hostContext().registerService(WeavingHook.class, new ExitCallHook(felix.hostContext().getBundle(), log.logger()), null);
    }

    @Test
    public void aPluginsClassesAreRewrittenAndSaidSoOnce() throws Exception {
        Bundle plugin = install("file:/plugins/exiter.jar");

        Class<?> exiter = plugin.loadClass(Exiter.class.getName());

        // Checked before the call, which would end the test's JVM if the class were not rewritten.
        assertTrue(Arrays.stream(exiter.getDeclaredMethods()).anyMatch(m -> m.getName().equals("plugboard$systemExit")));
        Method exit = exiter.getMethod("systemExit", int.class);
        Throwable thrown = assertThrows(InvocationTargetException.class, () -> exit.invoke(null, 3)).getCause();
        assertEquals("io.example.exiter 1.0.0 (bundle " + plugin.getBundleId()
                + ") called System.exit(3); a plugin may not end the host", thrown.getMessage());
        assertEquals(List.of("info: io.example.exiter 1.0.0 (bundle " + plugin.getBundleId() + ") calls System.exit,"
                + " Runtime.exit or Runtime.halt in " + Exiter.class.getName() + ": such a call throws a"
                + " SecurityException instead of ending Plugboard"), log.lines("info"));
    }

    @Test
    public void theRuntimesOwnBundlesAreLeftAsTheyAre() throws Exception {
        Bundle runtimeBundle = install("plugboard:boot/exiter.jar#1234-5678");

        Class<?> exiter = runtimeBundle.loadClass(Exiter.class.getName());

        // Not run (it would end the test's JVM): the class has none of the methods the rewriting adds.
        assertTrue(Arrays.stream(exiter.getDeclaredMethods()).noneMatch(m -> m.getName().startsWith("plugboard$")));
        assertEquals(List.of(), log.lines("info"));
    }

    private Bundle install(String location) throws Exception {
        byte[] jar = TestJars.withClasses(List.of(Exiter.class), "Bundle-SymbolicName", "io.example.exiter",
                "Bundle-Version", "1.0.0");
        return felix.hostContext().installBundle(location, new ByteArrayInputStream(jar));
    }
}
