package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * A plugin that leaves a thread running after it stops is reported by name: a warning from the
 * host in the log, and {@code leaked threads:} in {@code plugin:info}. The thread-leaker fixture
 * starts a daemon thread {@code leaky-worker-<id>} and never stops it; every test interrupts its
 * workers at the end, so none is left for the next test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ThreadLeakIT extends PluginRuntimeTestSupport {

    static final String LEAKER_BUNDLE = "io.plugboard.thread-leaker";
    static final String WORKER = "leaky-worker-";
    static final String LEFT_THREAD = ") left thread '";

    /** The tests of this class share one data folder, so each reads only the log lines it caused. */
    private int logLinesBefore;

    @Configuration
    public Option[] configuration() {
        // A shorter grace than the default 1 s: the tests wait for it several times.
        return options(baseConfiguration(), frameworkProperty("plugboard.leak.grace.ms").value("300"));
    }

    @Before
    public void skipEarlierLogLines() {
        logLinesBefore = logLines().size();
    }

    /** Ends every leaked worker, so no test leaves a thread behind for the next one. */
    @After
    public void interruptWorkers() throws InterruptedException {
        for (Thread thread : workers()) {
            thread.interrupt();
            thread.join(5_000);
        }
        assertTrue("leaky-worker threads still running: " + workers(), workers().isEmpty());
    }

    @Test
    public void stoppedPluginsThreadIsReportedInTheLogAndInPluginInfo() throws BundleException, InterruptedException {
        Bundle leaker = installLeaker();
        String worker = workers().get(0).getName();
        assertFalse("no leak while the plugin runs", execute("plugin:info " + leaker.getBundleId())
                .assertSucceeded().contains("leaked threads"));

        leaker.stop();

        String warning = waitForWarnings(1).get(0);
        assertTrue("a warning from the host: " + warning, warning.contains(" WARN [io.plugboard.host "));
        String frame = "(at io.plugboard.leaky.Worker.run(Worker.java:";
        assertTrue(warning, warning.contains("] plugin " + LEAKER_BUNDLE + " " + leaker.getVersion() + " (bundle "
                + leaker.getBundleId() + ") left thread '" + worker + "' running " + frame));
        String info = execute("plugin:info " + leaker.getBundleId()).assertSucceeded();
        assertTrue(info, info.contains("\n  leaked threads:\n    '" + worker + "' from " + LEAKER_BUNDLE + " "
                + leaker.getVersion() + " " + frame));
        assertFalse(info, info.contains("ended since"));

        interruptWorkers();
        String after = execute("plugin:info " + leaker.getBundleId()).assertSucceeded();
        assertTrue("a thread that ended is still listed, marked as ended:\n" + after, after.contains(", ended since"));
    }

    @Test
    public void uninstalledPluginsThreadIsReported() {
        Bundle leaker = installLeaker();
        String worker = workers().get(0).getName();

        execute("plugin:uninstall greeter.leaky").assertSucceeded();

        String warning = waitForWarnings(1).get(0);
        assertTrue(warning, warning.contains("(bundle " + leaker.getBundleId() + ") left thread '" + worker + "' running"));
    }

    @Test
    public void updateBlamesTheOldVersionsThreadOnceAndNeverTheNewVersions() {
        Bundle leaker = installLeaker();
        String old = workers().get(0).getName();

        // From its own location: the new revision has the same class names and starts its own worker.
        execute("plugin:update " + leaker.getBundleId()).assertSucceeded();
        waitFor("the new revision's worker", () -> workers().size() >= 2);

        waitForWarnings(1);
        pause(1_500);
        List<String> warnings = warnings();
        String newest = workers().stream().max(Comparator.comparingLong(Thread::getId)).orElseThrow().getName();
        assertEquals("the old version's thread, reported once: " + warnings, 1,
                warnings.stream().filter(w -> w.contains("'" + old + "'")).count());
        assertTrue("the current version's thread " + newest + " is not blamed: " + warnings,
                warnings.stream().noneMatch(w -> w.contains("'" + newest + "'")));
        String info = execute("plugin:info " + leaker.getBundleId()).assertSucceeded();
        assertTrue(info, info.contains("'" + old + "' from"));
        assertFalse(info, info.contains("'" + newest + "'"));
    }

    @Test
    public void wellBehavedPluginIsNotReported() {
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        installLeaker();

        execute("plugin:uninstall greeter.en").assertSucceeded();
        execute("plugin:uninstall greeter.leaky").assertSucceeded();

        // The leaker's warning comes after greeter.en's check would have: nothing else is reported.
        waitForWarnings(1);
        pause(1_000);
        List<String> warnings = warnings();
        assertEquals(warnings.toString(), 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).contains(LEAKER_BUNDLE));
    }

    private Bundle installLeaker() {
        execute("plugin:install " + projectJar("thread-leaker")).assertSucceeded();
        waitFor("the leaky-worker thread to start", () -> workers().size() == 1);
        return bundleNamed(LEAKER_BUNDLE).orElseThrow();
    }

    /** The fixture's worker threads that are running now. */
    static List<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(WORKER)).toList();
    }

    private List<String> waitForWarnings(int count) {
        waitFor(count + " leaked-thread warning(s) in plugboard.log", () -> warnings().size() >= count);
        return warnings();
    }

    private List<String> warnings() {
        List<String> lines = logLines();
        return lines.subList(Math.min(logLinesBefore, lines.size()), lines.size()).stream()
                .filter(l -> l.contains(LEFT_THREAD)).toList();
    }

    private List<String> logLines() {
        Path log = dataDir().resolve("plugboard.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }
}
