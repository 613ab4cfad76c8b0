package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LoggerFactory;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;

/**
 * True unload: after an update or an uninstall (each followed by a refresh), the old version's
 * class loader, and its classes, are garbage-collected. Nothing in the host, the registry, SCR,
 * the log or the shell may keep them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ClassLoaderUnloadIT extends PluginRuntimeTestSupport {

    private static final String KV_MEMORY_BUNDLE = "io.plugboard.kv-memory";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), projectBundle("kv-memory"));
    }

    @Test
    public void updateLetsTheOldVersionsClassLoaderGo() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        assertEquals(HELLO_BOB, activeGreeting("Bob"));
        assertEquals(HELLO_BOB, execute("plugin:greet Bob").assertSucceeded().strip());
        WeakReference<Class<?>> oldClass = Unloading.classOf(registry.activeService(Greeter.TYPE, Greeter.class));
        WeakReference<ClassLoader> oldLoader = Unloading.currentLoader(greeterBundle());
        assertNotNull("the old version is loaded now", oldClass.get());

        execute("plugin:update greeter.en " + projectJar("greeter-en-v2")).assertSucceeded();
        assertEquals(HELLO_BOB_V2, activeGreeting("Bob"));
        WeakReference<ClassLoader> newLoader = Unloading.currentLoader(greeterBundle());

        assertCollected("the old version's class loader (and class) after update and refresh", oldClass, oldLoader);
        assertNotNull("the new version's class loader is in use", newLoader.get());
        assertEquals(HELLO_BOB_V2, execute("plugin:greet Bob").assertSucceeded().strip());
    }

    @Test
    public void uninstallLetsTheClassLoaderGo() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        assertEquals(HELLO_BOB, execute("plugin:greet Bob").assertSucceeded().strip());
        execute("plugin:info greeter.en").assertSucceeded();
        WeakReference<Class<?>> oldClass = Unloading.classOf(registry.activeService(Greeter.TYPE, Greeter.class));
        WeakReference<ClassLoader> oldLoader = Unloading.currentLoader(greeterBundle());

        execute("plugin:uninstall greeter.en").assertSucceeded();

        assertCollected("the uninstalled plugin's class loader (and class) after the refresh", oldClass, oldLoader);
    }

    @Test
    public void exceptionFromPluginCodeInTheLogDoesNotKeepTheClassLoader() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        WeakReference<ClassLoader> oldLoader = Unloading.currentLoader(greeterBundle());
        // The host logs what plugins throw; a Throwable keeps the classes of its stack frames.
        logWhatThePluginThrows();

        execute("plugin:uninstall greeter.en").assertSucceeded();

        assertCollected("the class loader of a plugin whose exception was logged", oldLoader);
    }

    @Test
    public void pluginExceptionKeptByTheShellDoesNotKeepTheClassLoader() {
        WeakReference<ClassLoader> oldLoader = Unloading.currentLoader(bundleNamed(KV_MEMORY_BUNDLE).orElseThrow());
        try (CommandSession shell = commandProcessor.createSession(InputStream.nullInputStream(),
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream())) {
            // kv.memory itself rejects the key: the exception's stack holds the plugin's classes.
            failInTheShell(shell, "plugin:kv get " + "k".repeat(KeyValueStore.MAX_KEY_LENGTH + 1), "characters long");

            execute("plugin:uninstall kv.memory").assertSucceeded();

            assertCollected("the class loader of a plugin whose exception the shell keeps", oldLoader);
            assertTrue("the shell still has the exception", shell.get("exception") instanceof IllegalArgumentException);
        }
    }

    /** Runs a command that the plugin fails, and keeps its exception as Gogo's interactive shell does. */
    private static void failInTheShell(CommandSession shell, String commandLine, String pluginsMessage) {
        try {
            shell.execute(commandLine);
            fail(commandLine + " should fail in the plugin");
        } catch (Exception e) {
            assertTrue("the plugin's own message: " + e, String.valueOf(e.getMessage()).contains(pluginsMessage));
            // org.apache.felix.gogo.jline.Shell: session.put("exception", e), for $exception printStackTrace.
            shell.put("exception", e);
        }
    }

    /** Logs the exception the active greeter throws for a blank name, as a host component would. */
    private void logWhatThePluginThrows() {
        ServiceReference<LoggerFactory> reference = bundleContext.getServiceReference(LoggerFactory.class);
        try {
            activeGreeting(" ");
            fail("greeter.en should reject a blank name");
        } catch (IllegalArgumentException e) {
            bundleContext.getService(reference).getLogger(getClass()).warn("greeter.en failed", e);
        } finally {
            bundleContext.ungetService(reference);
        }
    }

    private void assertCollected(String what, WeakReference<?>... references) {
        if (Unloading.collectUntilAtMost(List.of(references), 0) > 0) {
            fail(what + " should be garbage-collected, but something still holds it; "
                    + Unloading.heapDump(newWorkDir("heap").resolve("pinned.hprof")));
        }
    }

    private Bundle greeterBundle() {
        return bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
    }
}
