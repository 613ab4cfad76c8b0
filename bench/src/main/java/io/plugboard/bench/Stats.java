package io.plugboard.bench;

import java.util.Arrays;

/** Order statistics of a set of durations in nanoseconds (nearest-rank percentiles). */
record Stats(int count, long median, long p99, long max) {

    /** Returns the statistics of the samples. */
    static Stats of(long[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Stats(sorted.length, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted samples: the smallest value with p % at or below it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
