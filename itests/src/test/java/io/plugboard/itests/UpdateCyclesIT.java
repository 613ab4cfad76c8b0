package io.plugboard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Many updates in a row leave nothing behind: greeter.en is updated back and forth between
 * 0.1.0 and 2.0.0, and afterwards at most two of the class loaders its revisions had are alive
 * and no thread was reported as leaked. {@value #CYCLES_PROPERTY} sets the number of updates
 * (100 here to keep the build quick; the bench runs 1000). Heap figures belong to the bench.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpdateCyclesIT extends PluginRuntimeTestSupport {

    static final String CYCLES_PROPERTY = "plugboard.itests.update.cycles";

    @Configuration
    public Option[] configuration() {
        return options(baseConfiguration());
    }

    @Test
    public void updatesBackAndForthLeaveNoClassLoaderAndNoThreadBehind() {
        int cycles = Integer.getInteger(CYCLES_PROPERTY, 100);
        execute("plugin:install " + projectJar("greeter-en")).assertSucceeded();
        Bundle bundle = bundleNamed(GREETER_EN_BUNDLE).orElseThrow();
        // Every class loader the bundle ever ran in, also those an update creates before its refresh.
        List<WeakReference<ClassLoader>> loaders = new CopyOnWriteArrayList<>();
        loaders.add(Unloading.currentLoader(bundle));
        SynchronousBundleListener onStart = event -> {
            if (event.getType() == BundleEvent.STARTED && event.getBundle().equals(bundle)) {
                loaders.add(Unloading.currentLoader(bundle));
            }
        };
        String[] jars = {projectJar("greeter-en-v2").toString(), projectJar("greeter-en").toString()};
        String[] greetings = {HELLO_BOB_V2, HELLO_BOB};

        long start = System.nanoTime();
        bundleContext.addBundleListener(onStart);
        try {
            for (int i = 0; i < cycles; i++) {
                execute("plugin:update " + bundle.getBundleId() + " " + jars[i % 2]).assertSucceeded();
                assertEquals("after update " + (i + 1), greetings[i % 2], activeGreeting("Bob"));
            }
        } finally {
            bundleContext.removeBundleListener(onStart);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        int alive = Unloading.collectUntilAtMost(loaders, 2);
        // For whoever reads the test output; the bench reports the figures that matter.
        System.out.println(cycles + " updates in " + millis + " ms; class loaders created " + loaders.size()
                + ", alive after GC " + alive);
        assertTrue("at least one class loader per update was tracked", loaders.size() > cycles);
        if (alive > 2) {
            fail(alive + " of the " + loaders.size() + " class loaders greeter.en had are still alive after "
                    + cycles + " updates (at most 2 may be); "
                    + Unloading.heapDump(newWorkDir("heap").resolve("pinned.hprof")));
        }
        List<String> leaks = leakWarnings();
        assertTrue("no thread left behind: " + leaks, leaks.isEmpty());
    }

    private List<String> leakWarnings() {
        Path log = dataDir().resolve("plugboard.log");
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(ThreadLeakIT.LEFT_THREAD)).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }
}
