package dev.ivbot.spi;

import java.time.Duration;

/**
 * A session store's health at one moment.
 *
 * @param reachable whether the backing store (e.g. a Redis master) answers and nothing waits in a
 *     failover buffer
 * @param accepting whether turns are answered now: the store is reachable, or a failover is being
 *     absorbed by its buffer (a load balancer should keep the node); false once an outage outlasts
 *     the buffer or the store writes to a master that is no longer the elected one
 * @param bufferedSaves saves waiting in a local failover buffer
 * @param inDoubtSaves of those, saves that ran on a master whose replicas have not confirmed them
 *     (not acknowledged yet)
 * @param oldestBuffered age of the oldest buffered save ({@link Duration#ZERO} when none)
 * @param description a short human-readable summary for health endpoints
 *
 * <p>Immutable and thread-safe.
 */
public record StoreHealth(boolean reachable, boolean accepting, int bufferedSaves, int inDoubtSaves,
        Duration oldestBuffered, String description) {

    /** A store without a failover buffer: accepting exactly when reachable. */
    public StoreHealth(boolean reachable, int bufferedSaves, Duration oldestBuffered, String description) {
        this(reachable, reachable, bufferedSaves, 0, oldestBuffered, description);
    }

    /** A store with nothing to report: always reachable, nothing buffered. */
    public static StoreHealth up(String description) {
        return new StoreHealth(true, true, 0, 0, Duration.ZERO, description);
    }
}
