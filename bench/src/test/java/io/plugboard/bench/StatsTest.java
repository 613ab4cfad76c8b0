package io.plugboard.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class StatsTest {

    @Test
    public void medianAndP99AreNearestRank() {
        long[] samples = new long[100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 100 - i; // unsorted on purpose
        }
        Stats stats = Stats.of(samples);
        assertEquals(100, stats.count());
        assertEquals(50, stats.median());
        assertEquals(99, stats.p99());
        assertEquals(100, stats.max());
    }

    @Test
    public void p99OfFewSamplesIsTheLargest() {
        assertEquals(7, Stats.of(new long[] {3, 7, 5}).p99());
        assertEquals(5, Stats.of(new long[] {3, 7, 5}).median());
    }

    @Test
    public void noSamplesIsRefused() {
        try {
            Stats.of(new long[0]);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("no samples"));
            return;
        }
        throw new AssertionError("expected IllegalArgumentException");
    }

    @Test
    public void histogramPercentilesAreWithinOneBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 10_000; v++) {
            histogram.record(v * 100);
        }
        assertEquals(10_000, histogram.total());
        assertEquals(1_000_000, histogram.max());
        assertWithin(500_000, histogram.percentile(50));
        assertWithin(990_000, histogram.percentile(99));
        assertEquals(1_000_000, histogram.percentile(100));
    }

    @Test
    public void histogramBucketsCoverEveryValue() {
        for (long v : new long[] {0, 1, 15, 16, 17, 31, 32, 1000, 123_456_789L, Long.MAX_VALUE}) {
            int index = LatencyHistogram.index(v);
            assertTrue(v + " above its bucket", v <= LatencyHistogram.upperBound(index));
            assertTrue(v + " below its bucket", index == 0 || v > LatencyHistogram.upperBound(index - 1));
        }
    }

    @Test
    public void mergedHistogramsAddUp() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        a.record(10);
        b.record(5_000_000);
        a.add(b);
        assertEquals(2, a.total());
        assertEquals(5_000_000, a.max());
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue("expected about " + expected + " but was " + actual,
                Math.abs(actual - expected) <= expected / 16 + 100);
    }
}
