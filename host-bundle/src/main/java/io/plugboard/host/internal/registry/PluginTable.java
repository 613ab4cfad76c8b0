package io.plugboard.host.internal.registry;

import java.time.Duration;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.osgi.framework.Version;

import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.registry.PluginRegistry;
import io.plugboard.api.registry.PluginUnavailableException;

/**
 * The registry's core, free of OSGi: every plugin by type, the selections, and the active plugin
 * of each type. Writers synchronize and rebuild an immutable {@link Snapshot}, then hand each
 * type's new target to its {@link TypeSlot}; readers only read volatile fields, so a call through
 * a stand-in costs one field read.
 */
public final class PluginTable implements PluginRegistry {

    /** How long a call waits for a plugin when nothing else is configured. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    /** The order of {@link #plugins()}: name, then newest version first. */
    private static final Comparator<PluginCandidate> LISTING = Comparator
            .comparing(PluginCandidate::name)
            .thenComparing(PluginCandidate::version, Comparator.reverseOrder())
            .thenComparingLong(PluginCandidate::serviceId);

    /**
     * What readers see of one type: its plugins in listing order and the one that serves it
     * (both null while the type waits for a plugin being updated, which is then {@code held}).
     */
    record TypeView(List<PluginInfo> plugins, PluginInfo active, Object activeService, PluginInfo held) {
    }

    /** Everything readers see, replaced as a whole on every change. */
    private record Snapshot(Map<String, TypeView> byType, List<PluginInfo> all) {
    }

    private final Function<String, String> frameworkSelection;
    private final BiConsumer<String, Optional<PluginInfo>> activeChanged;
    private final long callTimeoutNanos;
    private final LongFunction<String> whatHappened;
    private final Map<Long, PluginCandidate> candidates = new HashMap<>();
    // The same candidates by type in listing order, and each one's (inactive) public view, so that
    // adding one plugin rebuilds only its type, without sorting or copying the others: 1000 plugins
    // arriving one by one stay cheap.
    private final Map<String, TreeSet<PluginCandidate>> sortedByType = new TreeMap<>();
    private final Map<Long, PluginInfo> infos = new HashMap<>();
    private Map<String, Selection> selections = new HashMap<>();
    /** Types waiting for the plugin being updated (a replacement notice), by type. */
    private final Map<String, PluginInfo> holds = new HashMap<>();
    private final Map<String, TypeSlot> slots = new ConcurrentHashMap<>();
    private final StandIns standIns = new StandIns(this::slot);
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());

    /**
     * Creates an empty table whose calls wait {@link #DEFAULT_CALL_TIMEOUT}.
     *
     * @param frameworkSelection the framework's selection of a type ({@code plugboard.select.<type>}), or null
     * @param activeChanged told the type and its new active plugin whenever that changes
     */
    public PluginTable(Function<String, String> frameworkSelection,
            BiConsumer<String, Optional<PluginInfo>> activeChanged) {
        this(frameworkSelection, activeChanged, DEFAULT_CALL_TIMEOUT, bundleId -> "went away");
    }

    /**
     * Creates an empty table.
     *
     * @param callTimeout how long a call through a stand-in waits for a plugin
     * @param whatHappened words what became of a bundle whose plugin went, e.g. "was uninstalled"
     */
    public PluginTable(Function<String, String> frameworkSelection,
            BiConsumer<String, Optional<PluginInfo>> activeChanged, Duration callTimeout,
            LongFunction<String> whatHappened) {
        this.frameworkSelection = frameworkSelection;
        this.activeChanged = activeChanged;
        this.callTimeoutNanos = callTimeout.toNanos();
        this.whatHappened = whatHappened;
    }

    /** Adds a plugin, or replaces the one with the same service id. */
    public synchronized void add(PluginCandidate candidate) {
        PluginCandidate replaced = candidates.put(candidate.serviceId(), candidate);
        if (replaced != null) {
            forget(replaced);
        }
        sortedByType.computeIfAbsent(candidate.type(), t -> new TreeSet<>(LISTING)).add(candidate);
        infos.put(candidate.serviceId(), candidate.toInfo(false));
        rebuild(replaced == null || replaced.type().equals(candidate.type())
                ? Set.of(candidate.type()) : Set.of(candidate.type(), replaced.type()));
    }

    /** Removes the plugin with the service id; returns whether it was present. */
    public synchronized boolean remove(long serviceId) {
        PluginCandidate removed = candidates.remove(serviceId);
        if (removed == null) {
            return false;
        }
        forget(removed);
        rebuild(Set.of(removed.type()));
        return true;
    }

    private void forget(PluginCandidate candidate) {
        TreeSet<PluginCandidate> ofType = sortedByType.get(candidate.type());
        ofType.remove(candidate);
        if (ofType.isEmpty()) {
            sortedByType.remove(candidate.type());
        }
        infos.remove(candidate.serviceId());
    }

    /** Replaces every configured selection, by type, as read from configuration. */
    synchronized void replaceSelections(Map<String, Selection> byType) {
        selections = new HashMap<>(byType);
        rebuild();
    }

    /**
     * Makes every type the bundle's plugins serve wait for a plugin of the same name, instead of
     * failing over to another plugin of the type, until the returned action runs.
     */
    synchronized Runnable hold(long bundleId) {
        Map<String, PluginInfo> added = new HashMap<>();
        snapshot.byType().forEach((type, view) -> {
            if (view.active() != null && view.active().bundleId() == bundleId) {
                added.put(type, view.active());
            }
        });
        holds.putAll(added);
        return () -> release(added);
    }

    private synchronized void release(Map<String, PluginInfo> held) {
        // remove(key, value): a later hold of the same type, or a plugin:use since, stays as it is.
        held.forEach(holds::remove);
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
        return view == null ? Optional.empty() : Optional.ofNullable(view.active());
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
        if (view.active() == null) {
            throw new PluginUnavailableException(type, "no plugin of type '" + type + "' is available: "
                    + TypeSlot.describe(view.held()) + " is being updated; try again in a moment");
        }
        Object service = view.activeService();
        if (!api.isInstance(service)) {
            throw new IllegalArgumentException("the active plugin of type '" + type + "', '"
                    + view.active().name() + "', is a " + service.getClass().getName()
                    + ", not a " + api.getName());
        }
        return api.cast(service);
    }

    @Override
    public <S> S service(String type, Class<S> api) {
        return standIns.standIn(type, api);
    }

    /** Selects the newest version of the plugin in memory and makes it active now; the caller persists it. */
    @Override
    public void select(String type, String name) {
        select(type, name, null);
    }

    /** Selects the plugin (pinned to the version, if any) and makes it active now; the caller persists it. */
    @Override
    public synchronized void select(String type, String name, String version) {
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
        Version pinned = version == null ? null : Selection.installedVersion(view.plugins(), name, version);
        selections.put(type, new Selection(name, pinned));
        // The user's choice ends any wait for an update of the type's plugin.
        holds.remove(type);
        rebuild();
    }

    @Override
    public Optional<String> selection(String type) {
        return Optional.ofNullable(selected(type)).map(Selection::name);
    }

    /** Returns the version pinned for the type, if one is. */
    public Optional<String> pinnedVersion(String type) {
        return Optional.ofNullable(selected(type)).map(Selection::version).map(Version::toString);
    }

    private synchronized Selection selected(String type) {
        Selection configured = selections.get(type);
        if (configured != null) {
            return configured;
        }
        String name = frameworkSelection.apply(type);
        return name == null || name.isBlank() ? null : new Selection(name.trim(), null);
    }

    /** Returns the slot of the type, created and filled from the snapshot when it is new. */
    private synchronized TypeSlot slot(String type) {
        TypeSlot slot = slots.get(type);
        if (slot == null) {
            slot = new TypeSlot(type, callTimeoutNanos, () -> names(snapshot.byType().keySet()), whatHappened);
            slots.put(type, slot);
            TypeView view = snapshot.byType().get(type);
            if (view != null) {
                slot.update(view.activeService(), view.active(), view.held());
            }
        }
        return slot;
    }

    /** Recomputes the snapshot for every type (selections or holds changed). */
    private void rebuild() {
        rebuild(sortedByType.keySet());
    }

    /**
     * Recomputes the views of the given types, keeps the others' as they are, and reports each
     * type whose active plugin changed.
     */
    private void rebuild(Set<String> changed) {
        Map<String, TypeView> previous = snapshot.byType();
        Map<String, TypeView> byType = new HashMap<>(previous);
        byType.keySet().removeIf(type -> !sortedByType.containsKey(type));
        for (String type : changed) {
            TreeSet<PluginCandidate> ofType = sortedByType.get(type);
            if (ofType != null) {
                byType.put(type, viewOf(type, ofType));
            }
        }
        List<PluginInfo> all = new ArrayList<>(candidates.size());
        for (String type : sortedByType.keySet()) {
            all.addAll(byType.get(type).plugins());
        }
        snapshot = new Snapshot(Map.copyOf(byType), List.copyOf(all));
        for (String type : byType.keySet()) {
            slot(type);
        }
        slots.forEach((type, slot) -> {
            TypeView view = byType.get(type);
            PluginInfo held = holds.get(type);
            if (view == null) {
                slot.update(null, null, held);
            } else {
                slot.update(view.activeService(), view.active(), view.held());
            }
        });
        reportChanges(previous, byType);
    }

    private TypeView viewOf(String type, Collection<PluginCandidate> sorted) {
        PluginInfo held = holds.get(type);
        List<PluginCandidate> ofType = List.copyOf(sorted);
        PluginCandidate winner = Selection.pick(ofType, selected(type), held == null ? null : held.name());
        List<PluginInfo> infos = ofType.stream()
                .map(c -> c == winner ? c.toInfo(true) : this.infos.get(c.serviceId())).toList();
        return winner == null ? new TypeView(infos, null, null, held)
                : new TypeView(infos, winner.toInfo(true), winner.service(), held);
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
