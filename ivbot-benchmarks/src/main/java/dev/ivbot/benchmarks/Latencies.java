package dev.ivbot.benchmarks;

/**
 * Percentiles of measured latencies, by the nearest-rank method (the value below which {@code p} % of
 * the samples fall, taken from the samples themselves), so that every benchmark and {@code ./ivbot
 * eval} report p50 and p99 alike.
 *
 * <p>Stateless; thread-safe.
 */
public final class Latencies {
    private Latencies() {}

    /** The {@code p}-th percentile, in milliseconds, of sorted nanosecond samples; 0 for none. */
    public static double percentileMillis(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}
