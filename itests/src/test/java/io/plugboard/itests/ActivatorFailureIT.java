package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A plugin whose activator throws: what it threw, and the cause, are said where a user looks
 * (plugboard.log with the stack trace, on the plugin's own line; plugin:info; plugin:list), not
 * only as the framework's "Activator start error". It is tried again as other plugins come, as
 * Felix FileInstall does, without saying the same thing again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ActivatorFailureIT extends PluginRuntimeTestSupport {

    private static final String THROWING_BUNDLE = "io.plugboard.throwing-activator";
    private static final String THREW = "its activator threw java.lang.IllegalStateException: no licence key for Greeter,"
            + " caused by java.io.FileNotFoundException: licence.txt (at io.plugboard.throwing.ThrowingActivator.start(";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration(), frameworkProperty(PLUGINS_DIR).value(newWorkDir("plugins").toString()));
    }

    @Test
    public void whatTheActivatorThrewIsLoggedShownAndNotRepeated() throws Exception {
        Path jar = drop("throwing-activator");
        waitFor("the throwing bundle to be installed and its start tried", () -> bundleNamed(THROWING_BUNDLE)
                .filter(b -> b.getState() == Bundle.RESOLVED).isPresent() && warnings().size() == 1);
        Bundle bundle = bundleNamed(THROWING_BUNDLE).orElseThrow();
        String origin = THROWING_BUNDLE + " " + bundle.getVersion();

        // plugboard.log: the plugin's own line, naming it and what it threw, then the stack trace.
        List<String> log = logFileLines();
        int at = log.indexOf(warnings().get(0));
        assertTrue(log.get(at), log.get(at).contains(" WARN [" + origin + "] Plugin " + origin + " (bundle "
                + bundle.getBundleId() + ") is installed but not active: " + origin + ", bundle " + bundle.getBundleId()
                + " is resolved but failed to start: " + THREW));
        // (Felix Log wraps each exception in a LogException of the same message and trace.)
        assertTrue(log.get(at + 1), log.get(at + 1).endsWith("java.lang.IllegalStateException: no licence key for Greeter"));
        assertTrue(log.get(at + 2), log.get(at + 2).contains("at io.plugboard.throwing.ThrowingActivator.start("));
        assertTrue(String.join("\n", log), log.subList(at, log.size()).stream().anyMatch(
                l -> l.startsWith("  Caused by: ") && l.endsWith("java.io.FileNotFoundException: licence.txt")));

        String info = execute("plugin:info " + bundle.getBundleId()).assertSucceeded();
        assertTrue(info, info.contains("\n  not active: " + origin + ", bundle " + bundle.getBundleId()
                + " is resolved but failed to start: " + THREW));
        String row = execute("plugin:list").assertSucceeded().lines().filter(l -> l.contains(THROWING_BUNDLE))
                .findFirst().orElseThrow();
        assertTrue(row, row.matches(bundle.getBundleId() + " +" + THROWING_BUNDLE + " +- +" + bundle.getVersion()
                + " +FAILED +failed to start: " + java.util.regex.Pattern.quote(THREW) + ".*"));

        // Another plugin comes, with a service capability: the failed one is tried again (what it lacked
        // might have come), said once.
        Path other = drop("greeter-zh");
        waitFor("greeter.zh to serve", () -> registry.plugins().stream().anyMatch(p -> p.name().equals("greeter.zh")));
        assertEquals(Bundle.RESOLVED, bundle.getState());
        assertEquals(1, warnings().size());

        // Gone with its file, as any plugin.
        Files.delete(jar);
        Files.delete(other);
        waitFor("both bundles to be uninstalled", () -> bundleNamed(THROWING_BUNDLE).isEmpty()
                && bundleNamed("io.plugboard.greeter-zh").isEmpty());
        everyBundleIsActive();
    }

    /** The warnings about the throwing bundle not being active. */
    private List<String> warnings() {
        return logFileLines().stream().filter(l -> l.contains(" WARN [") && l.contains("Plugin " + THROWING_BUNDLE)
                && l.contains("is installed but not active")).toList();
    }

    /** Copies one of our jars into the plugins folder under a name it ignores, then renames it into place. */
    private Path drop(String name) throws IOException {
        Path target = Path.of(bundleContext.getProperty(PLUGINS_DIR)).resolve(name + ".jar");
        Path part = target.resolveSibling("." + name + ".jar.part");
        Files.copy(projectJar(name), part, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
