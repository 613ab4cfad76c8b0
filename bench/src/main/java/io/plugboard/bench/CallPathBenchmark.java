package io.plugboard.bench;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.osgi.framework.Bundle;

import io.plugboard.api.greeter.Greeter;

/**
 * The cost of calling a plugin through the host: a call through the stand-in from
 * {@code PluginRegistry.service("greeter", Greeter.class)} against a direct call to the very
 * object it delegates to. The registry runs in a real embedded Felix framework (not a bare
 * PluginTable), so the figure is the one a caller in the host sees whatever the registry's
 * implementation is; the plugin is a generated greeter that answers a constant string, so the
 * call itself costs and allocates nothing and the difference is the call path's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallPathBenchmark {

    static final String ANSWER = "Hello from bench.jmh";
    private Path work;
    private EmbeddedHost host;
    private Greeter standIn;
    private Greeter direct;
    private String name = "Bob";

    /** Starts the framework and installs the greeter that outranks the example ones. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        work = Files.createTempDirectory("plugboard-jmh");
        host = EmbeddedHost.start(Watcher.NONE, work);
        Bundle bundle = host.context().installBundle("bench:jmh-greeter", new ByteArrayInputStream(
                PluginJars.greeter("bench.jmh", "1.0.0", "bench.jmh", ANSWER, 100)));
        bundle.start();
        standIn = host.registry().service(Greeter.TYPE, Greeter.class);
        PluginFolder.awaitAnswer(standIn, ANSWER::equals, 30_000);
        direct = host.registry().activeService(Greeter.TYPE, Greeter.class);
    }

    /** Stops the framework. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        host.close();
        Workspace.delete(work);
    }

    /** The anchor: the plugin's object called directly. */
    @Benchmark
    public String direct() {
        return direct.greet(name);
    }

    /** The same call through the registry's stand-in. */
    @Benchmark
    public String standIn() {
        return standIn.greet(name);
    }
}
