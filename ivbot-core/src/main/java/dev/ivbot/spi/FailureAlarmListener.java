package dev.ivbot.spi;

/**
 * Told when the share of failed turns (fallbacks and errors) over the sliding window crosses the
 * alarm threshold: once when it rises above, once when it falls back.
 *
 * <p>Called on the thread of the turn that crossed; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface FailureAlarmListener {

    void onCrossing(boolean raised, double failureRate, long turnsInWindow);
}
