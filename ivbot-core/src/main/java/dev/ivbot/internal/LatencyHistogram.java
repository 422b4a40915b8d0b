package dev.ivbot.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lock-free log-linear histogram of microseconds: 16 sub-buckets per power of two, so a
 * percentile is off by at most about 6 %. Cheap enough to record on every turn.
 */
public final class LatencyHistogram {
    private static final int SUB = 16;
    private static final int BUCKETS = 40 * SUB;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void recordNanos(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // >= 4
        int sub = (int) (micros >>> (exponent - 4)) & (SUB - 1);
        return Math.min(BUCKETS - 1, (exponent - 3) * SUB + sub);
    }

    static double lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB + 3;
        int sub = index % SUB;
        return (double) (SUB + sub) * (1L << (exponent - 4));
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The latency at percentile {@code p} (0-100) in milliseconds, or 0 when nothing was recorded. */
    public double percentileMillis(double p) {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= Math.max(1, rank)) {
                double low = lowerBound(i);
                double high = i + 1 < BUCKETS ? lowerBound(i + 1) : low;
                return (low + high) / 2 / 1000.0;
            }
        }
        return lowerBound(BUCKETS - 1) / 1000.0;
    }
}
