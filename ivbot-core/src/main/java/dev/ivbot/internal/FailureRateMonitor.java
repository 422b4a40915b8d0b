package dev.ivbot.internal;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share of failed turns (fallbacks and errors) over a sliding window, kept in ten time slots.
 * Crossing the threshold upwards (or back below 80 % of it) calls the callback and logs, once per crossing.
 */
public final class FailureRateMonitor {

    /** Called when the failure rate crosses the threshold, in either direction. */
    @FunctionalInterface
    public interface Callback {
        void onCrossing(boolean raised, double rate, long turnsInWindow);
    }

    private static final Logger LOG = LoggerFactory.getLogger(FailureRateMonitor.class);
    private static final int SLOTS = 10;
    /** The alarm clears when the rate falls below this share of the threshold. */
    static final double CLEAR_RATIO = 0.8;

    private final InstantSource clock;
    private final long slotMillis;
    private final double threshold;
    private final long minimumTurns;
    private final Callback callback;
    private final AtomicLongArray slotEpoch = new AtomicLongArray(SLOTS);
    private final AtomicLongArray slotTotal = new AtomicLongArray(SLOTS);
    private final AtomicLongArray slotFailed = new AtomicLongArray(SLOTS);
    private final AtomicBoolean raised = new AtomicBoolean();
    private final AtomicLong lastCheckMillis = new AtomicLong(Long.MIN_VALUE);

    public FailureRateMonitor(InstantSource clock, Duration window, double threshold, long minimumTurns,
            Callback callback) {
        this.clock = clock;
        this.slotMillis = Math.max(1, window.toMillis() / SLOTS);
        this.threshold = threshold;
        this.minimumTurns = minimumTurns;
        this.callback = callback;
        for (int i = 0; i < SLOTS; i++) {
            slotEpoch.set(i, -1);
        }
    }

    public void record(boolean failed) {
        long now = clock.millis();
        long epoch = now / slotMillis;
        int slot = (int) (epoch % SLOTS);
        long seen = slotEpoch.get(slot);
        if (seen != epoch && slotEpoch.compareAndSet(slot, seen, epoch)) {
            slotTotal.set(slot, 0);
            slotFailed.set(slot, 0);
        }
        slotTotal.incrementAndGet(slot);
        if (failed) {
            slotFailed.incrementAndGet(slot);
        }
        // summing ten slots on every turn would be cheap, but a check per millisecond is plenty
        long last = lastCheckMillis.get();
        if (now != last && lastCheckMillis.compareAndSet(last, now) || failed != raised.get()) {
            check(epoch);
        }
    }

    private void check(long epoch) {
        long[] window = windowTotals(epoch);
        long total = window[0];
        long failed = window[1];
        if (total < minimumTurns) {
            return;
        }
        double rate = (double) failed / total;
        // hysteresis: clear only well below the threshold, so a rate hovering at it does not flap
        boolean above = raised.get() ? rate > threshold * CLEAR_RATIO : rate > threshold;
        if (raised.compareAndSet(!above, above)) {
            if (above) {
                LOG.warn("failure rate {} over the last {} turns is above the alarm threshold {}",
                        String.format("%.3f", rate), total, threshold);
            } else {
                LOG.info("failure rate {} is back below the alarm threshold {}", String.format("%.3f", rate),
                        threshold);
            }
            callback.onCrossing(above, rate, total);
        }
    }

    /** The failure rate over the window now (0 when no turn was seen). */
    public double rate() {
        long[] window = windowTotals(clock.millis() / slotMillis);
        return window[0] == 0 ? 0 : (double) window[1] / window[0];
    }

    /** Turns and failed turns in the slots still inside the window at {@code epoch}. */
    private long[] windowTotals(long epoch) {
        long total = 0;
        long failed = 0;
        for (int i = 0; i < SLOTS; i++) {
            long e = slotEpoch.get(i);
            if (e >= 0 && epoch - e < SLOTS) {
                total += slotTotal.get(i);
                failed += slotFailed.get(i);
            }
        }
        return new long[] {total, failed};
    }

    public boolean alarmRaised() {
        return raised.get();
    }
}
