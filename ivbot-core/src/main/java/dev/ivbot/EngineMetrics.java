package dev.ivbot;

import dev.ivbot.internal.FailureRateMonitor;
import dev.ivbot.internal.LatencyHistogram;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters an engine keeps about its turns, cheap enough to update on every turn. Read them
 * directly, or bind them to Micrometer (see the examples module). Counts are cumulative since the
 * engine was built.
 *
 * <p>Thread-safe.
 */
public final class EngineMetrics {
    // indexed by ordinal: one counter per constant, none missing, no map look-up on a turn
    private final LongAdder[] turnsBySource = counters(Source.values().length);
    private final LongAdder[] fallbacksByReason = counters(FallbackReason.values().length);
    private final LongAdder errors = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongAdder classifierTimeouts = new LongAdder();
    private final LongAdder classifierErrors = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final FailureRateMonitor failureRate;
    private final FailureRateMonitor primaryMisses;

    EngineMetrics(FailureRateMonitor failureRate, FailureRateMonitor primaryMisses) {
        this.failureRate = failureRate;
        this.primaryMisses = primaryMisses;
    }

    void recordReply(Reply reply, long nanos) {
        turnsBySource[reply.source().ordinal()].increment();
        FallbackReason reason = reply.fallbackReason();
        if (reason != null) {
            fallbacksByReason[reason.ordinal()].increment();
        }
        if (reply.degraded()) {
            degraded.increment();
        }
        latency.recordNanos(nanos);
        failureRate.record(reply.isFallback());
    }

    /** A turn that threw an unexpected error (counted as a failure for the alarm). */
    void recordError() {
        errors.increment();
        failureRate.record(true);
    }

    /** A request refused for bad input or a denied session (not a failure of the system). */
    void recordRefused() {
        refused.increment();
    }

    /** A turn that asked the primary classifier: whether it failed or missed its deadline. */
    void recordPrimaryOutcome(boolean missed) {
        primaryMisses.record(missed);
    }

    void recordClassifierTimeout() {
        classifierTimeouts.increment();
    }

    void recordClassifierError() {
        classifierErrors.increment();
    }

    /** Answered turns with this source. */
    public long turns(Source source) {
        return turnsBySource[source.ordinal()].sum();
    }

    /** All answered turns. */
    public long turns() {
        long total = 0;
        for (LongAdder a : turnsBySource) {
            total += a.sum();
        }
        return total;
    }

    /** Fallback replies for this reason. */
    public long fallbacks(FallbackReason reason) {
        return fallbacksByReason[reason.ordinal()].sum();
    }

    /** Answered turns per source, as a snapshot. */
    public Map<Source, Long> turnsBySource() {
        EnumMap<Source, Long> out = new EnumMap<>(Source.class);
        for (Source s : Source.values()) {
            out.put(s, turns(s));
        }
        return out;
    }

    /** Fallbacks per reason, as a snapshot. */
    public Map<FallbackReason, Long> fallbacksByReason() {
        EnumMap<FallbackReason, Long> out = new EnumMap<>(FallbackReason.class);
        for (FallbackReason r : FallbackReason.values()) {
            out.put(r, fallbacks(r));
        }
        return out;
    }

    /** Turns that failed with an unexpected exception. */
    public long errors() {
        return errors.sum();
    }

    /** Requests refused for bad input or another user's session. */
    public long refused() {
        return refused.sum();
    }

    /** Replies that came from a lesser path than the primary classifier. */
    public long degraded() {
        return degraded.sum();
    }

    public long classifierTimeouts() {
        return classifierTimeouts.sum();
    }

    public long classifierErrors() {
        return classifierErrors.sum();
    }

    /** Turn latency at percentile {@code p} (0-100), in milliseconds; 0 before the first turn. */
    public double latencyMillis(double p) {
        return latency.percentileMillis(p);
    }

    /** Share of fallback and failed turns over the alarm's sliding window. */
    public double failureRate() {
        return failureRate.rate();
    }

    /** Whether the failure-rate alarm is raised now. */
    public boolean failureAlarmRaised() {
        return failureRate.alarmRaised();
    }

    /** Share of the turns in the failure window whose primary classifier failed or missed its deadline. */
    public double primaryMissRate() {
        return primaryMisses.rate();
    }

    /** Whether {@link #primaryMissRate()} is above the failure-alarm threshold (with hysteresis). */
    public boolean primaryMissAlarmRaised() {
        return primaryMisses.alarmRaised();
    }

    private static LongAdder[] counters(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }
}
