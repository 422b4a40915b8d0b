package dev.ivbot.onnx.internal;

import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import dev.ivbot.onnx.VersionMetrics;
import java.util.concurrent.atomic.LongAdder;

/** Turn counters of one model version's users. Thread-safe. */
public final class ArmStats {
    private final LongAdder turns = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder lowConfidence = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();

    public void add(Reply reply) {
        turns.increment();
        if (reply.isFallback()) {
            fallbacks.increment();
            if (reply.fallbackReason() == FallbackReason.LOW_CONFIDENCE
                    || reply.fallbackReason() == FallbackReason.AMBIGUOUS) {
                lowConfidence.increment();
            }
        }
        if (reply.degraded()) {
            degraded.increment();
        }
        latencyNanos.add(reply.latency().toNanos());
    }

    public long turns() {
        return turns.sum();
    }

    public VersionMetrics snapshot(String version) {
        long n = turns.sum();
        return new VersionMetrics(version, n, fallbacks.sum(), lowConfidence.sum(), degraded.sum(),
                n == 0 ? 0 : latencyNanos.sum() / 1e6 / n);
    }
}
