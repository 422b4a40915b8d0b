package dev.ivbot.redis;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link RedisSessionStore} since it was built, for a metrics binding (ivbot's
 * Micrometer binding reads them as function counters) or a health page.
 *
 * <p>Thread-safe: the counters are updated concurrently and read without locking.
 */
public final class RedisStoreMetrics {

    final LongAdder saves = new LongAdder();
    final LongAdder conflicts = new LongAdder();
    final LongAdder buffered = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder nearCacheReads = new LongAdder();
    final LongAdder unreplicated = new LongAdder();
    final LongAdder nearCacheHits = new LongAdder();
    final LongAdder evictedPerUser = new LongAdder();
    final LongAdder indexUpdates = new LongAdder();

    RedisStoreMetrics() {}

    /** Saves acknowledged ({@code SAVED}), directly or after a replay. */
    public long savedCount() {
        return saves.sum();
    }

    /** Saves answered {@code CONFLICT} (another turn saved first). */
    public long conflictCount() {
        return conflicts.sum();
    }

    /** Saves that had to wait in the failover buffer because no master answered. */
    public long bufferedCount() {
        return buffered.sum();
    }

    /** Buffered saves that a master later accepted (acknowledged or conflicted). */
    public long replayedCount() {
        return replayed.sum();
    }

    /** Buffered saves refused with {@link dev.ivbot.StoreBusyException} when the buffer bound passed. */
    public long refusedCount() {
        return refused.sum();
    }

    /** Loads answered from the local near cache while no master answered. */
    public long nearCacheReadCount() {
        return nearCacheReads.sum();
    }

    /** Loads of a turn answered from the local copy this store last saved or read (no round trip). */
    public long nearCacheHitCount() {
        return nearCacheHits.sum();
    }

    /**
     * Saves that fewer replicas than required confirmed within the replica acknowledgement timeout
     * (a replica was down or lagging): not acknowledged then, but held in doubt until a replay's
     * {@code WAIT} confirms them.
     */
    public long unreplicatedCount() {
        return unreplicated.sum();
    }

    /** Uses recorded in a user's session set (the per-user cap's index): new sessions, then at most one per 10 s. */
    public long indexUpdateCount() {
        return indexUpdates.sum();
    }

    /** Sessions deleted because their user opened more than {@code maximumSessionsPerUser}. */
    public long evictedPerUserCount() {
        return evictedPerUser.sum();
    }

    @Override
    public String toString() {
        return "RedisStoreMetrics[saved=" + savedCount() + ", conflicts=" + conflictCount() + ", buffered="
                + bufferedCount() + ", replayed=" + replayedCount() + ", refused=" + refusedCount()
                + ", nearCacheReads=" + nearCacheReadCount() + ", unreplicated=" + unreplicatedCount() + ", nearCacheHits=" + nearCacheHitCount()
                + ", evictedPerUser=" + evictedPerUserCount() + "]";
    }
}
