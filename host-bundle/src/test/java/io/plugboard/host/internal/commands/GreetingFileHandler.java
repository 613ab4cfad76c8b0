package io.plugboard.host.internal.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.HashSet;
import java.util.Map;

import org.osgi.framework.Version;

import io.plugboard.api.deploy.PluginFile;
import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.api.deploy.PluginFileHandler;
import io.plugboard.api.greeter.Greeter;
import io.plugboard.host.internal.registry.PluginCandidate;
import io.plugboard.host.internal.registry.PluginTable;

/**
 * A small but real handler for the command tests: a {@code *.greeting} file holds one line,
 * {@code <name> <version> <greeting>}; installing it registers a greeter in the registry core,
 * as a handler bundle's service would be, under the handler bundle's id.
 */
final class GreetingFileHandler implements PluginFileHandler {

    static final long BUNDLE_ID = 30;

    private final PluginTable registry;
    private final Map<Path, PluginFile> installed = new LinkedHashMap<>();
    private final Map<Path, Long> serviceIds = new LinkedHashMap<>();
    private final Set<Path> failed = new HashSet<>();
    private long nextServiceId = 500;

    GreetingFileHandler(PluginTable registry) {
        this.registry = registry;
    }

    @Override
    public long check(Path file) throws PluginFileException {
        return parse(file).hashCode();
    }

    @Override
    public void install(Path file) throws PluginFileException {
        String[] parts = parse(file);
        uninstall(file);
        long serviceId = nextServiceId++;
        String greeting = parts[2];
        registry.add(new PluginCandidate(parts[0], Greeter.TYPE, Version.parseVersion(parts[1]), BUNDLE_ID, serviceId, 0,
                (Greeter) name -> greeting + ", " + name));
        serviceIds.put(file, serviceId);
        installed.put(file, new PluginFile(file, parts[0], 1_795_395_723_456L));
    }

    @Override
    public void uninstall(Path file) {
        Long serviceId = serviceIds.remove(file);
        if (serviceId != null) {
            registry.remove(serviceId);
        }
        installed.remove(file);
    }

    /** As a go-plugin that failed for good: the service is withdrawn, the file's plugin stays installed. */
    void failForGood(Path file) {
        Long serviceId = serviceIds.remove(file);
        registry.remove(serviceId);
        failed.add(file);
    }

    @Override
    public List<PluginFile> installed() {
        return List.copyOf(installed.values());
    }

    @Override
    public Map<String, String> describe(String pluginName) {
        if (installed.values().stream().noneMatch(p -> p.pluginName().equals(pluginName))) {
            return Map.of();
        }
        Map<String, String> facts = new LinkedHashMap<>();
        installed.values().stream().filter(p -> p.pluginName().equals(pluginName)).findFirst()
                .ifPresent(p -> facts.put("file", p.file().toString()));
        Optional<Path> file = installed.values().stream().filter(p -> p.pluginName().equals(pluginName))
                .map(PluginFile::file).findFirst();
        if (file.isPresent() && failed.contains(file.get())) {
            String[] parts = parseQuietly(file.get());
            facts.put("state", "failed");
            facts.put("type", Greeter.TYPE);
            facts.put("version", parts[1]);
            return facts;
        }
        facts.put("pid", "4242");
        facts.put("uptime", "3m 2s");
        facts.put("restarts", "0");
        return facts;
    }

    private static String[] parseQuietly(Path file) {
        try {
            return parse(file);
        } catch (PluginFileException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] parse(Path file) throws PluginFileException {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            throw new PluginFileException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
        }
        String[] parts = text.split(" ", 3);
        if (parts.length < 3) {
            throw new PluginFileException(file.getFileName() + " must hold '<name> <version> <greeting>'");
        }
        try {
            Version.parseVersion(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new PluginFileException(file.getFileName() + ": '" + parts[1] + "' is not a version");
        }
        return parts;
    }
}
