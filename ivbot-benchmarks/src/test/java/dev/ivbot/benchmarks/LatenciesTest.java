package dev.ivbot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Nearest rank: the percentile is one of the samples, the smallest with at least p % of them at or below it. */
class LatenciesTest {

    @Test
    void percentilesAreNearestRankSamplesInMilliseconds() {
        long[] ms = new long[100];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = (i + 1) * 1_000_000L; // 1 .. 100 ms
        }
        assertThat(Latencies.percentileMillis(ms, 50)).isEqualTo(50.0);
        assertThat(Latencies.percentileMillis(ms, 99)).isEqualTo(99.0);
        assertThat(Latencies.percentileMillis(ms, 100)).isEqualTo(100.0);
        assertThat(Latencies.percentileMillis(new long[] {3_000_000L, 7_000_000L}, 50)).isEqualTo(3.0);
        assertThat(Latencies.percentileMillis(new long[] {2_500_000L}, 99)).isEqualTo(2.5);
        assertThat(Latencies.percentileMillis(new long[0], 99)).isZero();
    }
}
