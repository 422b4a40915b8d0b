package dev.ivbot.spi;

import java.time.Duration;

/**
 * A session store's health at one moment.
 *
 * @param reachable whether the backing store (e.g. a Redis master) answers
 * @param bufferedSaves saves waiting in a local failover buffer
 * @param oldestBuffered age of the oldest buffered save ({@link Duration#ZERO} when none)
 * @param description a short human-readable summary for health endpoints
 *
 * <p>Immutable and thread-safe.
 */
public record StoreHealth(boolean reachable, int bufferedSaves, Duration oldestBuffered, String description) {

    /** A store with nothing to report: always reachable, nothing buffered. */
    public static StoreHealth up(String description) {
        return new StoreHealth(true, 0, Duration.ZERO, description);
    }
}
