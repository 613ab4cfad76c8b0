package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.plugboard.goplugin.internal.Supervisor.State;

public class PluginFactsTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Descriptor descriptor(String extra) throws Exception {
        Path folder = temp.getRoot().toPath();
        DescriptorTest.executable(folder.resolve("kv plugin"), "#!/bin/sh\n");
        Path file = folder.resolve("kv.go.goplugin");
        Files.writeString(file, "name=kv.go\ntype=kv\ncommand=kv plugin\ncookie=BASIC_PLUGIN=hello\n" + extra);
        return Descriptor.read(file, folder.resolve("work"));
    }

    @Test
    public void aServingPluginShowsItsProcess() throws Exception {
        Descriptor d = descriptor("args=--dir 'my data'\n");
        StartedBinary binary = StartedBinary.open(d.command());
        FakePlugin.Instance instance = new FakePlugin().new Instance(4242, "1.0.0", binary);
        Supervisor.Status status = new Supervisor.Status(State.SERVING, d, instance, 2,
                "exit code 2 (last stderr: panic: boom)", null);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("state", "serving");
        expected.put("pid", "4242");
        expected.put("protocol", "grpc, app protocol 1");
        expected.put("socket", "/tmp/pb1/plugin4242");
        expected.put("uptime", "3m 12s");
        expected.put("restarts", "2");
        expected.put("last exit", "exit code 2 (last stderr: panic: boom)");
        expected.put("command", "'" + d.command() + "' --dir 'my data'");
        expected.put("sha256", Hashes.sha256(d.command()).substring(0, 12));
        expected.put("descriptor", d.file().toString());
        expected.put("type", "kv");
        expected.put("version", "0.0.0");
        Map<String, String> facts = PluginFacts.of(status, instance.startedAt().plusSeconds(192));
        assertEquals(expected, facts);
        assertEquals("in display order", List.copyOf(expected.keySet()), List.copyOf(facts.keySet()));
        binary.close();
    }

    @Test
    public void aFailedPluginShowsWhyAndNoProcess() throws Exception {
        Descriptor d = descriptor("sha256=" + "fe".repeat(32) + "\n");
        Supervisor.Status status = new Supervisor.Status(State.FAILED, d, null, 5, "killed by SIGKILL",
                "restarted 5 times in 60 s, last exit killed by SIGKILL");
        Map<String, String> facts = PluginFacts.of(status, java.time.Instant.now());
        assertEquals(List.of("state", "reason", "pid", "protocol", "socket", "uptime", "restarts", "last exit",
                "command", "sha256", "descriptor", "type", "version"), List.copyOf(facts.keySet()));
        assertEquals("failed", facts.get("state"));
        assertEquals("what plugin:list shows of it while it registers nothing", "kv", facts.get("type"));
        assertEquals("restarted 5 times in 60 s, last exit killed by SIGKILL", facts.get("reason"));
        assertEquals("-", facts.get("pid"));
        assertEquals("-", facts.get("uptime"));
        assertEquals("5", facts.get("restarts"));
        assertEquals("the pinned hash when nothing runs", "fefefefefefe", facts.get("sha256"));
    }

    @Test
    public void aServingPluginThatFailedItsLastHealthCheckIsShownUnhealthy() throws Exception {
        Descriptor d = descriptor("");
        StartedBinary binary = StartedBinary.open(d.command());
        FakePlugin.Instance instance = new FakePlugin().new Instance(4242, "1.0.0", binary);
        Supervisor.Status status = new Supervisor.Status(State.SERVING, d, instance, 0, null, null, 1, 3);
        Map<String, String> facts = PluginFacts.of(status, instance.startedAt());
        assertEquals("unhealthy", facts.get("state"));
        assertEquals("1 of 3 health checks in a row failed (killed at 3)", facts.get("health"));
        assertEquals("the pid still among the first two, which plugin:list shows", List.of("state", "pid", "health"),
                List.copyOf(facts.keySet()).subList(0, 3));
        binary.close();
    }

    @Test
    public void aPluginThatNeverEndedSaysSo() throws Exception {
        Supervisor.Status status = new Supervisor.Status(State.RESTARTING, descriptor(""), null, 0, null, null);
        Map<String, String> facts = PluginFacts.of(status, java.time.Instant.now());
        assertEquals("restarting", facts.get("state"));
        assertEquals("none", facts.get("last exit"));
        assertEquals("-", facts.get("sha256"));
    }
}
