package io.plugboard.host.internal.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginRegistry;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * The registry's core, free of OSGi: every plugin by type, the selections, and the active plugin
 * of each type. Writers synchronize and rebuild an immutable {@link Snapshot}; readers only read
 * the volatile snapshot, so a call through the registry costs a field read and a map lookup.
 */
public final class PluginTable implements PluginRegistry {

    /** The plugin that wins when nothing is selected: highest ranking, newest version, oldest service. */
    private static final Comparator<PluginCandidate> PREFERENCE = Comparator
            .comparingInt(PluginCandidate::ranking).reversed()
            .thenComparing(PluginCandidate::version, Comparator.reverseOrder())
            .thenComparingLong(PluginCandidate::serviceId);

    /** The order of {@link #plugins()}: name, then newest version first. */
    private static final Comparator<PluginCandidate> LISTING = Comparator
            .comparing(PluginCandidate::name)
            .thenComparing(PluginCandidate::version, Comparator.reverseOrder())
            .thenComparingLong(PluginCandidate::serviceId);

    /** What readers see of one type: its plugins in listing order and the one that serves it. */
    record TypeView(List<PluginInfo> plugins, PluginInfo active, Object activeService) {
    }

    /** Everything readers see, replaced as a whole on every change. */
    private record Snapshot(Map<String, TypeView> byType, List<PluginInfo> all) {
    }

    private final Function<String, String> frameworkSelection;
    private final BiConsumer<String, Optional<PluginInfo>> activeChanged;
    private final Map<Long, PluginCandidate> candidates = new HashMap<>();
    private Map<String, String> selections = new HashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());

    /**
     * Creates an empty table.
     *
     * @param frameworkSelection the framework's selection of a type ({@code plugboard.select.<type>}), or null
     * @param activeChanged told the type and its new active plugin whenever that changes
     */
    public PluginTable(Function<String, String> frameworkSelection,
            BiConsumer<String, Optional<PluginInfo>> activeChanged) {
        this.frameworkSelection = frameworkSelection;
        this.activeChanged = activeChanged;
    }

    /** Adds a plugin, or replaces the one with the same service id. */
    public synchronized void add(PluginCandidate candidate) {
        candidates.put(candidate.serviceId(), candidate);
        rebuild();
    }

    /** Removes the plugin with the service id; returns whether it was present. */
    public synchronized boolean remove(long serviceId) {
        boolean removed = candidates.remove(serviceId) != null;
        if (removed) {
            rebuild();
        }
        return removed;
    }

    /** Replaces every configured selection (type to plugin name), as read from configuration. */
    synchronized void replaceSelections(Map<String, String> typeToName) {
        selections = new HashMap<>(typeToName);
        rebuild();
    }

    @Override
    public List<PluginInfo> plugins() {
        return snapshot.all();
    }

    @Override
    public List<PluginInfo> plugins(String type) {
        TypeView view = snapshot.byType().get(type);
        return view == null ? List.of() : view.plugins();
    }

    @Override
    public Optional<PluginInfo> active(String type) {
        TypeView view = snapshot.byType().get(type);
        return view == null ? Optional.empty() : Optional.of(view.active());
    }

    @Override
    public <S> S activeService(String type, Class<S> api) {
        Snapshot current = snapshot;
        TypeView view = current.byType().get(type);
        if (view == null) {
            throw new PluginUnavailableException(type, "no plugin of type '" + type
                    + "' is available (installed types: " + names(current.byType().keySet())
                    + "); install one or check plugin:list");
        }
        Object service = view.activeService();
        if (!api.isInstance(service)) {
            throw new IllegalArgumentException("the active plugin of type '" + type + "', '"
                    + view.active().name() + "', is a " + service.getClass().getName()
                    + ", not a " + api.getName());
        }
        return api.cast(service);
    }

    /** Placeholder until the waiting stand-ins land: a proxy that looks up the active service per call. */
    @Override
    public <S> S service(String type, Class<S> api) {
        return api.cast(java.lang.reflect.Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
                (proxy, method, args) -> method.invoke(activeService(type, api), args)));
    }

    /** Placeholder until version pinning lands: only the newest version can be selected. */
    @Override
    public void select(String type, String name, String version) {
        if (version != null) {
            throw new UnsupportedOperationException("pinning a version is not supported yet");
        }
        select(type, name);
    }

    /** Selects the plugin in memory and makes it active now; the caller persists the choice. */
    @Override
    public synchronized void select(String type, String name) {
        Map<String, TypeView> byType = snapshot.byType();
        TypeView view = byType.get(type);
        if (view == null) {
            throw new IllegalArgumentException("unknown plugin type '" + type + "'; known types: "
                    + names(byType.keySet()));
        }
        List<String> known = view.plugins().stream().map(PluginInfo::name).distinct().toList();
        if (!known.contains(name)) {
            throw new IllegalArgumentException("no plugin of type '" + type + "' is named '" + name
                    + "'; known names: " + names(known));
        }
        selections.put(type, name);
        rebuild();
    }

    @Override
    public synchronized Optional<String> selection(String type) {
        String configured = selections.get(type);
        return Optional.ofNullable(configured != null ? configured : frameworkSelection.apply(type));
    }

    /** Recomputes the snapshot from the candidates and reports each type whose active plugin changed. */
    private void rebuild() {
        Map<String, List<PluginCandidate>> grouped = new TreeMap<>();
        for (PluginCandidate candidate : candidates.values()) {
            grouped.computeIfAbsent(candidate.type(), t -> new ArrayList<>()).add(candidate);
        }
        Map<String, TypeView> byType = new HashMap<>();
        List<PluginInfo> all = new ArrayList<>();
        for (Map.Entry<String, List<PluginCandidate>> entry : grouped.entrySet()) {
            TypeView view = viewOf(entry.getKey(), entry.getValue());
            byType.put(entry.getKey(), view);
            all.addAll(view.plugins());
        }
        Map<String, TypeView> previous = snapshot.byType();
        snapshot = new Snapshot(Map.copyOf(byType), List.copyOf(all));
        reportChanges(previous, byType);
    }

    private TypeView viewOf(String type, List<PluginCandidate> ofType) {
        String selected = selection(type).orElse(null);
        List<PluginCandidate> eligible = ofType.stream().filter(c -> c.name().equals(selected)).toList();
        PluginCandidate winner = (eligible.isEmpty() ? ofType : eligible).stream()
                .min(PREFERENCE).orElseThrow();
        List<PluginInfo> infos = ofType.stream().sorted(LISTING)
                .map(c -> c.toInfo(c == winner)).toList();
        return new TypeView(infos, winner.toInfo(true), winner.service());
    }

    private void reportChanges(Map<String, TypeView> before, Map<String, TypeView> after) {
        Set<String> types = new TreeSet<>(before.keySet());
        types.addAll(after.keySet());
        for (String type : types) {
            Optional<PluginInfo> was = Optional.ofNullable(before.get(type)).map(TypeView::active);
            Optional<PluginInfo> now = Optional.ofNullable(after.get(type)).map(TypeView::active);
            if (!Objects.equals(was.map(PluginInfo::serviceId), now.map(PluginInfo::serviceId))) {
                activeChanged.accept(type, now);
            }
        }
    }

    private static String names(Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
    }
}
