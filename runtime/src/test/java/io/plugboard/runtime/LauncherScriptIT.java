package io.plugboard.runtime;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * End to end: the built launcher script target/bin/plugboard, as users run it, with the class
 * archive the build wrote beside the jar; and the same script with that archive stale or missing.
 */
public class LauncherScriptIT {

    /** What -Xlog:class+load prints for a class mapped from the dynamic (top) archive, plugboard.jsa. */
    private static final String FROM_ARCHIVE = "source: shared objects file (top)";

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path work;
    private Map<String, String> javaHome;

    @Before
    public void createWorkDir() throws Exception {
        work = temp.newFolder("work").toPath();
        // The Java this build runs on made plugboard.jsa; the archive fits only that Java.
        javaHome = Map.of("JAVA_HOME", System.getProperty("java.home"));
    }

    @Test
    public void pipedScriptRunsAndExitCodesPassThrough() throws Exception {
        PlugboardProcess ok = PlugboardProcess.runScript(PlugboardProcess.distribution(), work,
                "plugin:kv put a 1\nplugin:kv get a\n", javaHome);
        assertEquals(ok.transcript(), 0, ok.exitCode());
        assertThat(ok.transcript(), ok.stdout(), containsString("stored a in kv.file"));
        assertTrue(ok.transcript(), ok.stdout().lines().anyMatch("1"::equals));
        assertEquals(ok.transcript(), "", ok.stderr());

        PlugboardProcess failed = PlugboardProcess.runScript(PlugboardProcess.distribution(), work,
                "plugin:kv get\nplugin:greet Bob\n", javaHome);
        assertEquals(failed.transcript(), 1, failed.exitCode());
        assertThat(failed.transcript(), failed.stdout(), containsString("Hello, Bob!"));

        PlugboardProcess usage = PlugboardProcess.runScript(PlugboardProcess.distribution(), work, "", javaHome,
                "--no-such-option");
        assertEquals(usage.transcript(), 2, usage.exitCode());
        assertThat(usage.transcript(), usage.stderr(), containsString("unknown option --no-such-option"));
    }

    @Test
    public void argumentsWithSpacesAndJavaOptionsReachTheRuntime() throws Exception {
        Path data = work.resolve("data with spaces");
        PlugboardProcess p = PlugboardProcess.runScript(PlugboardProcess.distribution(), work,
                "plugin:kv put a 1\n", Map.of("JAVA_HOME", System.getProperty("java.home"),
                        "PLUGBOARD_JAVA_OPTS", "-Dplugboard.select.kv=kv.memory -Xmx256m"),
                "--data", data.toString());
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("stored a in kv.memory"));
        assertTrue(p.transcript(), Files.isDirectory(data.resolve("felix-cache")));
    }

    @Test
    public void theBuildsArchiveIsUsed() throws Exception {
        PlugboardProcess p = PlugboardProcess.runScript(PlugboardProcess.distribution(), work,
                "plugin:greet Bob\n", withJavaOpts("-Xlog:class+load"));
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.stdout(), containsString("Hello, Bob!"));
        // The launcher's and Felix's classes, and those of the bundles (custom class loaders).
        assertThat(p.stdout(), containsString("io.plugboard.runtime.Main " + FROM_ARCHIVE));
        assertThat(p.stdout(), containsString("org.apache.felix.framework.Felix " + FROM_ARCHIVE));
        assertThat(p.stdout(), containsString("io.plugboard.host.internal.registry.PluginRegistryImpl " + FROM_ARCHIVE));
    }

    /**
     * The classes a start loads from the bundles without linking them (exception and parameter
     * types that verification loads, super types): the go-plugin bundle's gRPC, Netty and protobuf
     * ones above all, about 290 in all. Java 17's dynamic archive leaves out every class that is
     * not linked, and links only those of its own loaders, so the training start links the
     * bundles' classes itself (ArchiveTraining); without that, these came from the bundles.
     */
    @Test
    public void theArchiveServesTheBundleClassesAStartLoadsOnly() throws Exception {
        for (String start : List.of("first start", "restart")) {
            // A call to kv.go (plugin:use waits for it): its gRPC classes load before the exit.
            PlugboardProcess p = PlugboardProcess.runScript(PlugboardProcess.distribution(), work,
                    "plugin:greet Bob\nplugin:use kv kv.go\nplugin:kv put a 1\n", withJavaOpts("-Xlog:class+load"));
            assertEquals(p.transcript(), 0, p.exitCode());
            assertThat(p.stdout(), containsString("Hello, Bob!"));
            assertThat(p.stdout(), containsString("stored a in kv.go"));
            assertThat(start, p.stdout(), containsString("com.google.common.base.CommonPattern " + FROM_ARCHIVE));
            assertThat(start, p.stdout(), containsString(
                    "io.grpc.netty.shaded.io.netty.channel.ChannelHandler$Sharable " + FROM_ARCHIVE));
            assertThat(start, p.stdout(), containsString(
                    "com.google.protobuf.InvalidProtocolBufferException " + FROM_ARCHIVE));
            // Left to the bundles: JFR event classes (never archived), classes whose optional
            // dependencies are missing (cannot be linked), and the odd one loaded after the training's
            // last command. 290 before the training linked them.
            List<String> fromBundles = p.stdout().lines().filter(line -> line.contains(" source: plugboard:boot/")).toList();
            assertTrue(start + ": " + fromBundles.size() + " boot bundle classes not from the archive:\n"
                    + String.join("\n", fromBundles), fromBundles.size() < 40);
        }
    }

    @Test
    public void staleArchiveOnlyCostsSpeed() throws Exception {
        Path copy = copyOfDistribution(true);
        // Another jar than the one the archive was made from: a rebuilt jar, or a copy.
        Files.setLastModifiedTime(copy.resolve("plugboard.jar"), FileTime.from(Instant.now().minus(1, ChronoUnit.DAYS)));
        PlugboardProcess p = PlugboardProcess.runScript(copy, work, "plugin:kv put a 1\nplugin:kv get a\n",
                withJavaOpts("-Xlog:class+load"));
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("stored a in kv.file"));
        assertThat("the archive is ignored", p.stdout(), not(containsString(FROM_ARCHIVE)));
        assertEquals("no warning about the archive: " + p.transcript(), "", p.stderr());
    }

    @Test
    public void missingArchiveOnlyCostsSpeed() throws Exception {
        Path copy = copyOfDistribution(false);
        PlugboardProcess p = PlugboardProcess.runScript(copy, work, "plugin:kv put a 1\nplugin:kv get a\n", javaHome);
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("stored a in kv.file"));
        assertEquals(p.transcript(), "", p.stderr());
    }

    /** A copied or moved distribution cannot use the build's archive; --make-archive makes one for it. */
    @Test
    public void aCopiedDistributionMakesItsOwnArchive() throws Exception {
        Path copy = copyOfDistribution(true);
        PlugboardProcess made = PlugboardProcess.runScript(copy, work, "", javaHome, "--make-archive");
        assertEquals(made.transcript(), 0, made.exitCode());
        assertEquals(made.transcript(), "plugboard: wrote " + copy.resolve("plugboard.jsa") + "\n", made.stdout());
        assertEquals(made.transcript(), "", made.stderr());
        assertTrue("the training folder is removed", Files.notExists(copy.resolve("cds-training")));
        assertTrue(Files.notExists(copy.resolve("plugboard.jsa.new")));

        PlugboardProcess p = PlugboardProcess.runScript(copy, work, "plugin:greet Bob\n",
                withJavaOpts("-Xlog:class+load"));
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.stdout(), containsString("Hello, Bob!"));
        assertThat("the copy maps its new archive", p.stdout(),
                containsString("io.plugboard.runtime.Main " + FROM_ARCHIVE));
        assertThat(p.stdout(), containsString("io.plugboard.host.internal.registry.PluginRegistryImpl " + FROM_ARCHIVE));
    }

    @Test
    public void makeArchiveWithoutItsTrainingCommandsSaysWhatIsMissing() throws Exception {
        Path copy = copyOfDistribution(false);
        Files.delete(copy.resolve("plugboard-training.txt"));
        PlugboardProcess p = PlugboardProcess.runScript(copy, work, "", javaHome, "--make-archive");
        assertEquals(p.transcript(), 1, p.exitCode());
        assertEquals(List.of("plugboard: cannot make the class archive: " + copy.resolve("plugboard-training.txt")
                + " is missing"), p.stderrLines());
        assertTrue(Files.notExists(copy.resolve("plugboard.jsa")));
    }

    @Test
    public void makeArchiveTakesNoOtherArguments() throws Exception {
        Path copy = copyOfDistribution(false);
        PlugboardProcess p = PlugboardProcess.runScript(copy, work, "", javaHome, "--make-archive", "--data", "x");
        assertEquals(p.transcript(), 2, p.exitCode());
        assertEquals(List.of("plugboard: --make-archive takes no other arguments"), p.stderrLines());
        assertTrue(Files.notExists(copy.resolve("plugboard.jsa")));
    }

    @Test
    public void worksThroughASymbolicLink() throws Exception {
        Path bin = temp.newFolder("elsewhere", "bin").toPath();
        Files.createSymbolicLink(bin.resolve("plugboard"), PlugboardProcess.distribution().resolve("bin/plugboard"));
        PlugboardProcess p = PlugboardProcess.runScript(bin.getParent(), work, "plugin:greet Bob\n", javaHome);
        assertEquals(p.transcript(), 0, p.exitCode());
        assertThat(p.transcript(), p.stdout(), containsString("Hello, Bob!"));
    }

    @Test
    public void javaHomeWithoutJavaIsNamed() throws Exception {
        Path empty = temp.newFolder("no-java").toPath();
        PlugboardProcess p = PlugboardProcess.runScript(PlugboardProcess.distribution(), work, "plugin:greet Bob\n",
                Map.of("JAVA_HOME", empty.toString()));
        assertEquals(p.transcript(), 1, p.exitCode());
        assertEquals(List.of("plugboard: JAVA_HOME is " + empty + ", but " + empty + "/bin/java is not there;"
                + " set JAVA_HOME to a Java 17 or later"), p.stderrLines());
        assertEquals("", p.stdout());
    }

    private Map<String, String> withJavaOpts(String options) {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "PLUGBOARD_JAVA_OPTS", options);
    }

    /** A copy of the distribution (new time stamps), with or without the class archive. */
    private Path copyOfDistribution(boolean withArchive) throws Exception {
        Path from = PlugboardProcess.distribution();
        Path to = temp.newFolder("dist").toPath();
        Files.createDirectories(to.resolve("bin"));
        Files.copy(from.resolve("bin/plugboard"), to.resolve("bin/plugboard"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(from.resolve("plugboard.jar"), to.resolve("plugboard.jar"));
        Files.copy(from.resolve("plugboard-training.txt"), to.resolve("plugboard-training.txt"));
        if (withArchive) {
            assertTrue("the build writes plugboard.jsa", Files.isRegularFile(from.resolve("plugboard.jsa")));
            Files.copy(from.resolve("plugboard.jsa"), to.resolve("plugboard.jsa"));
        }
        return to;
    }
}
