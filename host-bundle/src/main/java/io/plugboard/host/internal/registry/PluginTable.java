package io.plugboard.host.internal.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
 *
 * <p>Adding or removing one plugin costs O(log n) for a type of n plugins: the type's plugins are
 * a persistent {@link PluginTree}, its active plugin follows from the one before and the newcomer
 * (unless a hold, a refused switch or another selection asks for a full pick), and the lists
 * readers see are made from the tree when first read, once per snapshot.
 */
public final class PluginTable implements PluginRegistry {

    /** How long a call waits for a plugin when nothing else is configured. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What readers see of one type: its plugins in listing order and the one that serves it
     * (null while the type waits for a plugin being updated, which is then {@code held}), and the
     * selection it was picked under.
     */
    private static final class TypeView {

        private final PluginTree tree;
        private final PluginCandidate winner;
        private final PluginInfo active;
        private final Object activeService;
        private final PluginInfo held;
        private final Selection selection;
        // Made on first read; a race only makes it twice.
        private volatile List<PluginInfo> plugins;

        TypeView(PluginTree tree, PluginCandidate winner, PluginInfo held, Selection selection) {
            this.tree = tree;
            this.winner = winner;
            this.active = winner == null ? null : winner.toInfo(true);
            this.activeService = winner == null ? null : winner.service();
            this.held = held;
            this.selection = selection;
        }

        /** The type's plugins in listing order, the active one marked. */
        List<PluginInfo> plugins() {
            List<PluginInfo> list = plugins;
            if (list == null) {
                List<PluginInfo> made = new ArrayList<>(tree.size());
                tree.addInfos(made, winner, active);
                list = List.copyOf(made);
                plugins = list;
            }
            return list;
        }

        PluginInfo active() {
            return active;
        }

        Object activeService() {
            return activeService;
        }

        PluginInfo held() {
            return held;
        }

        /** The selected name the type waits for, absent as it is; null while a plugin serves or an update is awaited. */
        String awaited() {
            return active == null && held == null && selection != null && !selection.away() ? selection.name() : null;
        }
    }

    /** Everything readers see, replaced as a whole on every change. */
    private static final class Snapshot {

        private final Map<String, TypeView> byType;
        private final int size;
        // Made on first read, from the trees: a change costs no copy of every plugin.
        private volatile List<PluginInfo> all;

        Snapshot(Map<String, TypeView> byType, int size) {
            this.byType = byType;
            this.size = size;
        }

        Map<String, TypeView> byType() {
            return byType;
        }

        /** Every plugin, by type and then in listing order. */
        List<PluginInfo> all() {
            List<PluginInfo> list = all;
            if (list == null) {
                List<PluginInfo> made = new ArrayList<>(size);
                new TreeMap<>(byType).values().forEach(view -> view.tree.addInfos(made, view.winner, view.active));
                list = List.copyOf(made);
                all = list;
            }
            return list;
        }
    }

    private final Function<String, String> frameworkSelection;
    private final BiConsumer<String, Optional<PluginInfo>> activeChanged;
    private final long callTimeoutNanos;
    private final LongFunction<String> whatHappened;
    private final Map<Long, PluginCandidate> candidates = new HashMap<>();
    // The same candidates by type in listing order; a snapshot shares the trees it was made from.
    private final Map<String, PluginTree> trees = new TreeMap<>();
    private Map<String, Selection> selections = new HashMap<>();
    /** Types whose away selection's plugin came back, until the registry takes them to store. */
    private Set<String> returned = new TreeSet<>();
    /** Types waiting for the plugin being updated (a replacement notice), by type. */
    private final Map<String, Hold> holds = new HashMap<>();
    private final VersionSwitch versionSwitch;
    /**
     * Candidates (by service id) that could not take over from the version serving their type,
     * and why: not picked while another can serve; forgotten once they serve, go away, or are
     * selected again by the user.
     */
    private final Map<Long, String> refused = new HashMap<>();
    /** Types whose switch was refused in the rebuild that runs now, and why. */
    private final Map<String, String> refusedNow = new HashMap<>();
    private final Map<String, TypeSlot> slots = new ConcurrentHashMap<>();
    private final StandIns standIns = new StandIns(this::slot);
    private volatile Snapshot snapshot = new Snapshot(Map.of(), 0);

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
        this(frameworkSelection, activeChanged, callTimeout, whatHappened, VersionSwitch.NONE);
    }

    /**
     * Creates an empty table that moves state with {@code versionSwitch} whenever a type switches
     * between two running versions of one plugin.
     */
    PluginTable(Function<String, String> frameworkSelection,
            BiConsumer<String, Optional<PluginInfo>> activeChanged, Duration callTimeout,
            LongFunction<String> whatHappened, VersionSwitch versionSwitch) {
        this.versionSwitch = versionSwitch;
        this.frameworkSelection = frameworkSelection;
        this.activeChanged = activeChanged;
        this.callTimeoutNanos = callTimeout.toNanos();
        this.whatHappened = whatHappened;
    }

    /** Adds a plugin, or replaces the one with the same service id. */
    public synchronized void add(PluginCandidate offered) {
        PluginCandidate candidate = arrived(offered);
        // An away selection's plugin is back: it serves again, and its selection is a requirement again.
        selections.replaceAll((type, selection) -> {
            if (selection.away() && selection.name().equals(candidate.name())) {
                returned.add(type);
                return selection.away(false);
            }
            return selection;
        });
        PluginCandidate replaced = candidates.put(candidate.serviceId(), candidate);
        if (replaced != null) {
            forget(replaced);
        }
        trees.put(candidate.type(), trees.getOrDefault(candidate.type(), PluginTree.EMPTY).with(candidate));
        if (replaced == null) {
            rebuild(Set.of(candidate.type()), candidate, null);
        } else {
            // Its name, version or ranking may have changed: the types are picked afresh.
            rebuild(replaced.type().equals(candidate.type())
                    ? Set.of(candidate.type()) : Set.of(candidate.type(), replaced.type()), null, null);
        }
    }

    /**
     * The candidate with its arrival: that of the same service if known (its properties changed),
     * else that of the plugin it replaces (a new or restored version of a held plugin, which must
     * not lose its type to a plugin that differs only in having come later), else its own.
     */
    private PluginCandidate arrived(PluginCandidate offered) {
        PluginCandidate known = candidates.get(offered.serviceId());
        if (known != null) {
            return offered.arrivedAs(known.arrival());
        }
        Hold hold = holds.get(offered.type());
        if (hold != null && hold.plugin().name().equals(offered.name())) {
            return offered.arrivedAs(hold.arrival());
        }
        return offered;
    }

    /** Removes the plugin with the service id; returns whether it was present. */
    public synchronized boolean remove(long serviceId) {
        PluginCandidate removed = candidates.remove(serviceId);
        if (removed == null) {
            return false;
        }
        forget(removed);
        rebuild(Set.of(removed.type()), null, removed);
        return true;
    }

    private void forget(PluginCandidate candidate) {
        PluginTree ofType = trees.get(candidate.type()).without(candidate);
        if (ofType.isEmpty()) {
            trees.remove(candidate.type());
        } else {
            trees.put(candidate.type(), ofType);
        }
        refused.remove(candidate.serviceId());
    }

    /** Replaces every configured selection, by type, as read from configuration. */
    synchronized void replaceSelections(Map<String, Selection> byType) {
        selections = new HashMap<>(byType);
        rebuild();
    }

    /**
     * The user is about to remove these plugins of the bundle on purpose: the selections that name
     * one of them, with no plugin of the name from another bundle, are {@link Selection#away}
     * from now on, so their types move to the ordinary choice when the plugins go, instead of
     * waiting for them; each serves again when it comes back. A framework property's selection
     * is not changed.
     *
     * @return the types whose selection is away now
     */
    synchronized Set<String> removing(Collection<String> names, long bundleId) {
        Set<String> elsewhere = new HashSet<>();
        candidates.values().forEach(c -> {
            if (c.bundleId() != bundleId) {
                elsewhere.add(c.name());
            }
        });
        Set<String> away = new TreeSet<>();
        selections.forEach((type, selection) -> {
            if (!selection.away() && names.contains(selection.name()) && !elsewhere.contains(selection.name())) {
                away.add(type);
            }
        });
        away.forEach(type -> selections.put(type, selections.get(type).away(true)));
        if (!away.isEmpty()) {
            rebuild();
        }
        return away;
    }

    /** The selected plugin the type waits for, absent as it is (not removed on purpose); empty while one serves. */
    Optional<String> awaited(String type) {
        TypeView view = snapshot.byType().get(type);
        return view == null ? Optional.empty() : Optional.ofNullable(view.awaited());
    }

    /** Takes the types whose away selection's plugin came back since the last call (the registry stores them). */
    synchronized Set<String> takeReturned() {
        if (returned.isEmpty()) {
            return Set.of(); // every add asks: no set made for nothing
        }
        Set<String> taken = returned;
        returned = new TreeSet<>();
        return taken;
    }

    /** The selection of the type as Configuration Admin should keep it; null for none. */
    synchronized Selection configuredSelection(String type) {
        return selections.get(type);
    }

    /** The names of the plugins that come from the bundle, now. */
    synchronized Set<String> namesFrom(long bundleId) {
        Set<String> names = new TreeSet<>();
        candidates.values().forEach(c -> {
            if (c.bundleId() == bundleId) {
                names.add(c.name());
            }
        });
        return names;
    }

    /**
     * Makes every type the bundle's plugins serve wait for a plugin of the same name, instead of
     * failing over to another plugin of the type, until the returned action runs.
     */
    synchronized Runnable hold(long bundleId) {
        Map<String, Hold> added = new HashMap<>();
        snapshot.byType().forEach((type, view) -> {
            if (view.active() != null && view.active().bundleId() == bundleId) {
                added.put(type, new Hold(view.active(), view.winner.arrival()));
            }
        });
        holds.putAll(added);
        return () -> release(added);
    }

    /** The plugin the type waits for while it is being replaced, or null. */
    private PluginInfo heldPlugin(String type) {
        Hold hold = holds.get(type);
        return hold == null ? null : hold.plugin();
    }

    /** A type waiting for its plugin being replaced, and when that plugin came. */
    private record Hold(PluginInfo plugin, long arrival) {
    }

    private synchronized void release(Map<String, Hold> held) {
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
        if (view.active() == null && view.held() != null) {
            throw new PluginUnavailableException(type, "no plugin of type '" + type + "' is available: "
                    + TypeSlot.describe(view.held()) + " is being updated; try again in a moment");
        }
        if (view.active() == null) {
            throw new PluginUnavailableException(type, TypeSlot.awaitedSelection(type, view.awaited()));
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

    /**
     * Selects the plugin (pinned to the version, if any) and makes it active now; the caller
     * persists it.
     *
     * @throws IllegalStateException if the state of the version serving now cannot be moved to
     *         the selected version: the earlier selection then stays, and so does the version serving
     */
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
        Selection before = selections.get(type);
        selections.put(type, new Selection(name, pinned));
        // The user's choice ends any wait for an update of the type's plugin, and asks again
        // versions of the name that could not take over before.
        holds.remove(type);
        trees.get(type).forEach(c -> {
            if (c.name().equals(name)) {
                refused.remove(c.serviceId());
            }
        });
        rebuild();
        String refusal = refusedNow.get(type);
        if (refusal != null) {
            if (before == null) {
                selections.remove(type);
            } else {
                selections.put(type, before);
            }
            rebuild();
            throw new IllegalStateException(refusal);
        }
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
                slot.update(view.activeService(), view.active(), view.held(), view.awaited());
            }
        }
        return slot;
    }

    /** Recomputes the snapshot for every type (selections or holds changed). */
    private void rebuild() {
        rebuild(trees.keySet(), null, null);
    }

    /**
     * Recomputes the views of the given types, keeps the others' as they are, and reports each
     * type whose active plugin changed.
     *
     * @param added the one plugin just added, if that is the only change, else null
     * @param removed the one plugin just removed, if that is the only change, else null
     */
    private void rebuild(Set<String> changed, PluginCandidate added, PluginCandidate removed) {
        Map<String, TypeView> previous = snapshot.byType();
        Map<String, TypeView> byType = new HashMap<>(previous);
        byType.keySet().removeIf(type -> !trees.containsKey(type));
        refusedNow.clear();
        for (String type : changed) {
            PluginTree ofType = trees.get(type);
            if (ofType != null) {
                TypeView before = previous.get(type);
                byType.put(type, switchOver(type, before, viewOf(type, ofType, null, before, added, removed), ofType));
            }
        }
        snapshot = new Snapshot(Map.copyOf(byType), candidates.size());
        for (String type : byType.keySet()) {
            slot(type);
        }
        slots.forEach((type, slot) -> {
            TypeView view = byType.get(type);
            PluginInfo held = heldPlugin(type);
            if (view == null) {
                Selection selection = held == null ? selected(type) : null;
                slot.update(null, null, held, selection == null || selection.away() ? null : selection.name());
            } else {
                slot.update(view.activeService(), view.active(), view.held(), view.awaited());
            }
        });
        // A version that took its state back after a refused switch serves again: the calls it
        // refused meanwhile may try it again.
        refusedNow.keySet().forEach(type -> slot(type).wake());
        reportChanges(previous, byType);
    }

    /**
     * Moves the state when the type switches between two running versions of one plugin. If the
     * new version cannot take it over, the old one, which took its state back, goes on serving
     * (unless it is going away) and the new one is not picked again until asked for.
     */
    private TypeView switchOver(String type, TypeView before, TypeView after, PluginTree ofType) {
        PluginInfo from = before == null ? null : before.active();
        PluginInfo to = after.active();
        TypeView result = after;
        if (from != null && to != null && from.serviceId() != to.serviceId() && from.name().equals(to.name())) {
            boolean fromStays = candidates.containsKey(from.serviceId());
            Optional<String> refusal = versionSwitch.handOver(from, before.activeService(), to, after.activeService(),
                    fromStays);
            if (refusal.isPresent()) {
                refusedNow.put(type, refusal.get());
                if (fromStays) {
                    refused.put(to.serviceId(), refusal.get());
                    result = viewOf(type, ofType, candidates.get(from.serviceId()), null, null, null);
                }
            }
        }
        if (result.active() != null) {
            refused.remove(result.active().serviceId());
        }
        return result;
    }

    /**
     * The view of the type; {@code keep}, if not null, serves whatever the selection says.
     * {@code before}, {@code added} and {@code removed} describe the change since the last view,
     * so that the winner can follow from the last one without looking at every plugin.
     */
    private TypeView viewOf(String type, PluginTree ofType, PluginCandidate keep, TypeView before,
            PluginCandidate added, PluginCandidate removed) {
        PluginInfo held = heldPlugin(type);
        Selection selection = selected(type);
        PluginCandidate winner = keep;
        if (winner == null) {
            winner = winnerAfter(before, held, selection, added, removed);
        }
        if (winner == null) {
            winner = Selection.pick(withoutRefused(ofType.candidates()), selection, held == null ? null : held.name());
        }
        return new TypeView(ofType, winner, held, selection);
    }

    /**
     * The winner after one plugin came or went, from the winner before: the better of it and the
     * newcomer, or the same one if another plugin went. Null (pick among all) when the winner
     * went, or when something else the pick depends on is in play or changed: a hold, a refused
     * switch, the selection.
     */
    private PluginCandidate winnerAfter(TypeView before, PluginInfo held, Selection selection,
            PluginCandidate added, PluginCandidate removed) {
        if (before == null || before.winner == null || held != null || before.held != null || !refused.isEmpty()
                || !Objects.equals(selection, before.selection)) {
            return null;
        }
        if (added != null) {
            return Selection.preferred(before.winner, added, selection);
        }
        if (removed != null && removed.serviceId() != before.winner.serviceId()) {
            return before.winner;
        }
        return null;
    }

    /** The candidates that have not refused to take over, or all of them if every one has. */
    private List<PluginCandidate> withoutRefused(List<PluginCandidate> ofType) {
        if (refused.isEmpty()) {
            return ofType;
        }
        List<PluginCandidate> willing = ofType.stream().filter(c -> !refused.containsKey(c.serviceId())).toList();
        return willing.isEmpty() ? ofType : willing;
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
