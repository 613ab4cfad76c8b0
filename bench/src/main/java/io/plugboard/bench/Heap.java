package io.plugboard.bench;

import java.lang.management.ManagementFactory;

/** Heap, class and thread figures of this JVM, taken after full collections. */
final class Heap {

    private Heap() {
    }

    /**
     * Runs full collections (System.gc, a full GC with class unloading on G1 unless the JVM was
     * told otherwise) until the used heap stops shrinking by more than 64 KiB, and returns it.
     */
    static long usedAfterFullGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (i >= 2 && previous - used < 64 * 1024) {
                return Math.min(used, previous);
            }
            previous = Math.min(previous, used);
        }
        return previous;
    }

    /** Classes loaded in this JVM now. */
    static int loadedClasses() {
        return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    }

    /** Live threads in this JVM now. */
    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
