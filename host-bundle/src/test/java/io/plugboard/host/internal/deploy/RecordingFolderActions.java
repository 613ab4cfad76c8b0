package io.plugboard.host.internal.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Records what the watched folder asks for, and checks each jar it hands over really is complete. */
final class RecordingFolderActions implements FolderActions, FolderLog {

    final Map<Path, Long> installed = new ConcurrentHashMap<>();
    // The content each file had when it was installed (what isCurrent compares).
    final Map<Path, JarContent> contents = new ConcurrentHashMap<>();
    // What removeStale answers: true as for jars, false as for a handler's files.
    volatile boolean removesStale = true;
    // What move answers: true as for jars, false as for a kind that cannot move its plugins.
    volatile boolean moves = true;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final List<String> infos = Collections.synchronizedList(new ArrayList<>());
    // Size of each jar when it was installed or updated, to prove it was complete.
    final Map<String, Long> sizes = new ConcurrentHashMap<>();
    // The symbolic name of each jar installed, to refuse a second jar of the same name as the installer does.
    final Map<Path, String> names = new ConcurrentHashMap<>();

    @Override
    public Map<Path, Long> installed() {
        return Map.copyOf(installed);
    }

    @Override
    public boolean isCurrent(Path file, FileState state, long installedMillis) {
        try {
            return JarContent.of(file).equals(contents.get(file));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public boolean removeStale(Path file) {
        calls.add("remove " + file.getFileName());
        if (removesStale) {
            installed.remove(file);
            contents.remove(file);
            names.remove(file);
        }
        return removesStale;
    }

    @Override
    public void kept(List<Path> files) {
        calls.add("kept " + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(",")));
    }

    /** Refuses, as the installer does, a jar whose bundle is installed already from another file. */
    @Override
    public Map<Path, String> install(List<Path> files) {
        Map<Path, String> refused = new HashMap<>();
        // Record the call only after taking the files, so a test that sees the call sees their sizes.
        for (Path file : files) {
            String name = PluginJar.read(file, file.getFileName().toString()).symbolicName();
            Optional<Path> other = names.entrySet().stream()
                    .filter(e -> e.getValue().equals(name) && !e.getKey().equals(file)).map(Map.Entry::getKey).findFirst();
            if (other.isPresent()) {
                refused.put(file, "Cannot install " + file.getFileName() + " from the plugins folder: " + name
                        + " is already installed from " + other.get().getFileName() + "; use plugin:update");
            } else {
                take(file);
            }
        }
        calls.add("install " + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(",")));
        return refused;
    }

    @Override
    public void update(Path file) {
        take(file);
        calls.add("update " + file.getFileName());
    }

    @Override
    public void uninstall(Path file) {
        calls.add("uninstall " + file.getFileName());
        installed.remove(file);
        contents.remove(file);
        names.remove(file);
    }

    @Override
    public Optional<String> identityOf(Path file) {
        return Optional.ofNullable(names.get(file));
    }

    /** Re-keys what it knows of the plugin, as the installer keeps the bundle running under the new file. */
    @Override
    public boolean move(Path from, Path to) {
        if (!moves) {
            return false;
        }
        calls.add("move " + from.getFileName() + " " + to.getFileName());
        Long at = installed.remove(from);
        if (at == null) {
            return false;
        }
        installed.put(to, at);
        contents.put(to, contents.remove(from));
        names.put(to, names.remove(from));
        return true;
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
    }

    @Override
    public void info(String message) {
        infos.add(message);
    }

    long count(String call) {
        synchronized (calls) {
            return calls.stream().filter(call::equals).count();
        }
    }

    /**
     * How many files the install calls recorded so far named. Wait on this, not on
     * {@link #installed}: a file is taken before its call is recorded.
     */
    long filesInstalled() {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith("install "))
                    .mapToLong(c -> c.substring("install ".length()).split(",").length).sum();
        }
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    private void take(Path file) {
        // The folder promised a complete jar: reading it must succeed.
        names.put(file, PluginJar.read(file, file.getFileName().toString()).symbolicName());
        try {
            sizes.put(file.getFileName().toString(), Files.size(file));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        installed.put(file, System.currentTimeMillis());
        try {
            contents.put(file, JarContent.of(file));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
