package io.plugboard.host.internal.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.deploy.PluginFileHandler;

/**
 * A small but real handler: a file names its plugin on its first line and is complete when it
 * ends with a line break. Records every install and uninstall, and checks that each file it is
 * handed really is complete.
 */
final class TestFileHandler implements PluginFileHandler {

    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<Path, PluginFile> installed = new ConcurrentHashMap<>();
    /** When set, install throws it: a handler with a bug. */
    volatile RuntimeException failure;
    /** When set, install waits until it opens (20 s at most): a handler whose installs take long. */
    volatile CountDownLatch gate;
    /** When set, only this file's install waits at the gate. */
    volatile Path gatedFile;

    @Override
    public long check(Path file) throws PluginFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PluginFileException(file.getFileName() + " does not exist");
        } catch (IOException e) {
            throw new PluginFileException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
        }
        if (!text.endsWith("\n")) {
            throw new PluginFileException(file.getFileName() + " is incomplete: it does not end with a line break");
        }
        if (text.lines().findFirst().orElse("").isBlank()) {
            throw new PluginFileException(file.getFileName() + " names no plugin on its first line");
        }
        // As a go-plugin descriptor names its program: "needs <file>" on a line, a file next to it.
        Optional<String> needed = text.lines().filter(line -> line.startsWith("needs ")).map(line -> line.substring(6))
                .findFirst();
        if (needed.isPresent() && !Files.exists(file.resolveSibling(needed.get()))) {
            throw new PluginFileException(file.getFileName() + " needs " + needed.get() + ", which does not exist");
        }
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public void install(Path file) throws PluginFileException {
        CountDownLatch wait = gate;
        Path only = gatedFile;
        if (wait != null && (only == null || only.equals(file))) {
            try {
                wait.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // As a go-plugin start that is cancelled: it gives up.
                calls.add("cancelled " + file.getFileName());
                throw new PluginFileException(file.getFileName() + ": install cancelled");
            }
        }
        RuntimeException bug = failure;
        if (bug != null) {
            throw bug;
        }
        // The folder promised a complete file: the handler's own check must pass.
        check(file);
        String name;
        try {
            name = Files.readAllLines(file).get(0).trim();
        } catch (IOException e) {
            throw new PluginFileException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
        }
        // As the go-plugin handler: one plugin of a name, whichever file declares it first.
        for (PluginFile other : installed.values()) {
            if (!other.file().equals(file) && other.pluginName().equals(name)) {
                throw new PluginFileException(file.getFileName() + " declares the plugin " + name
                        + ", which already runs from " + other.file().getFileName());
            }
        }
        installed.put(file, new PluginFile(file, name, System.currentTimeMillis()));
        calls.add("install " + file.getFileName() + " " + name);
    }

    @Override
    public void uninstall(Path file) {
        if (installed.remove(file) != null) {
            calls.add("uninstall " + file.getFileName());
        }
    }

    @Override
    public List<PluginFile> installed() {
        return List.copyOf(installed.values());
    }

    @Override
    public Map<String, String> describe(String pluginName) {
        return installed.values().stream().anyMatch(p -> p.pluginName().equals(pluginName))
                ? Map.of("lines", "1") : Map.of();
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    long count(String call) {
        return calls().stream().filter(call::equals).count();
    }
}
