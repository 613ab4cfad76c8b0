package io.plugboard.host.internal.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import io.plugboard.api.registry.PluginInfo;

/**
 * The plugins of one type in listing order, immutable: adding or removing one returns a new tree
 * that shares all but O(log n) nodes with this one (a treap whose priorities come from the
 * service ids), so a snapshot can keep a tree while the writer goes on, and 1000 plugins arriving
 * one by one cost O(n log n) in all instead of a copy of the whole type each.
 *
 * <p>Each node also keeps the plugin's inactive public view, made once per plugin.
 */
final class PluginTree {

    /** The order of {@link PluginTable#plugins()}: name, then newest version first, then service id. */
    static final Comparator<PluginCandidate> LISTING = Comparator
            .comparing(PluginCandidate::name)
            .thenComparing(PluginCandidate::version, Comparator.reverseOrder())
            .thenComparingLong(PluginCandidate::serviceId);

    static final PluginTree EMPTY = new PluginTree(null, 0);

    private record Node(PluginCandidate candidate, PluginInfo inactive, int priority, Node left, Node right) {

        Node withLeft(Node newLeft) {
            return new Node(candidate, inactive, priority, newLeft, right);
        }

        Node withRight(Node newRight) {
            return new Node(candidate, inactive, priority, left, newRight);
        }
    }

    private final Node root;
    private final int size;

    private PluginTree(Node root, int size) {
        this.root = root;
        this.size = size;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** This tree with the candidate added; the caller makes sure it is not in it yet. */
    PluginTree with(PluginCandidate candidate) {
        Node node = new Node(candidate, candidate.toInfo(false), priority(candidate.serviceId()), null, null);
        return new PluginTree(insert(root, node), size + 1);
    }

    /** This tree without the candidate, or this tree itself if the candidate is not in it. */
    PluginTree without(PluginCandidate candidate) {
        Node after = delete(root, candidate);
        return after == root ? this : new PluginTree(after, size - 1);
    }

    /** Calls the action with each candidate in listing order. */
    void forEach(Consumer<PluginCandidate> action) {
        walk(root, node -> action.accept(node.candidate()));
    }

    /** The candidates in listing order. */
    List<PluginCandidate> candidates() {
        List<PluginCandidate> list = new ArrayList<>(size);
        forEach(list::add);
        return list;
    }

    /** Adds the public views to the list in listing order, the one of {@code active} (if any) as given. */
    void addInfos(List<PluginInfo> to, PluginCandidate active, PluginInfo activeInfo) {
        walk(root, node -> to.add(node.candidate() == active ? activeInfo : node.inactive()));
    }

    private static void walk(Node node, Consumer<Node> action) {
        // Recursion depth is the tree's height: O(log n) with the hashed priorities.
        while (node != null) {
            walk(node.left(), action);
            action.accept(node);
            node = node.right();
        }
    }

    private static Node insert(Node tree, Node node) {
        if (tree == null) {
            return node;
        }
        if (LISTING.compare(node.candidate(), tree.candidate()) < 0) {
            Node left = insert(tree.left(), node);
            // Rotate right when the new node outranks its parent: the heap order on priorities.
            return left.priority() > tree.priority() ? left.withRight(tree.withLeft(left.right())) : tree.withLeft(left);
        }
        Node right = insert(tree.right(), node);
        return right.priority() > tree.priority() ? right.withLeft(tree.withRight(right.left())) : tree.withRight(right);
    }

    private static Node delete(Node tree, PluginCandidate candidate) {
        if (tree == null) {
            return null;
        }
        int order = LISTING.compare(candidate, tree.candidate());
        if (order == 0) {
            return merge(tree.left(), tree.right());
        }
        if (order < 0) {
            Node left = delete(tree.left(), candidate);
            return left == tree.left() ? tree : tree.withLeft(left);
        }
        Node right = delete(tree.right(), candidate);
        return right == tree.right() ? tree : tree.withRight(right);
    }

    /** Joins two trees whose every node of {@code low} sorts before every node of {@code high}. */
    private static Node merge(Node low, Node high) {
        if (low == null) {
            return high;
        }
        if (high == null) {
            return low;
        }
        if (low.priority() > high.priority()) {
            return low.withRight(merge(low.right(), high));
        }
        return high.withLeft(merge(low, high.left()));
    }

    /** A well-spread priority from the service id (SplitMix64's finaliser): ids come in sequence. */
    static int priority(long serviceId) {
        long z = serviceId + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }

    /** The height of the tree; for tests of the balance. */
    int height() {
        return height(root);
    }

    private static int height(Node node) {
        return node == null ? 0 : 1 + Math.max(height(node.left()), height(node.right()));
    }
}
