package io.plugboard.bench;

/**
 * Counts call durations in buckets 1/16 of a power of two wide (values within 6.25 %), so
 * millions of calls cost a fixed 8 KiB per thread and no allocation while recording. One
 * instance per thread; {@link #add} merges them afterwards.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;

    /** Records one duration in nanoseconds. */
    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[index(value)]++;
        total++;
        if (value > max) {
            max = value;
        }
    }

    /** Adds another histogram's counts to this one. */
    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    /** The number of recorded durations. */
    long total() {
        return total;
    }

    /** The longest recorded duration, exact. */
    long max() {
        return max;
    }

    /** The upper bound of the bucket that holds the p-th percentile (nearest rank). */
    long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < SUB) {
            return (int) value;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(value);
        int sub = (int) (value >>> (magnitude - SUB_BITS)) & (SUB - 1);
        return (magnitude - SUB_BITS + 1) * SUB + sub;
    }

    static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int magnitude = index / SUB + SUB_BITS - 1;
        long sub = index % SUB;
        return ((SUB + sub + 1) << (magnitude - SUB_BITS)) - 1;
    }
}
