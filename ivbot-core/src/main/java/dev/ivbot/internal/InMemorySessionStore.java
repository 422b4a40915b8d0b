package dev.ivbot.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.StoreHealth;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Sessions in a Caffeine cache that expires entries after their TTL without a save or touch
 * (reads do not renew). The compare-and-set runs inside {@code ConcurrentMap.compute}.
 *
 * <p>Two caps: {@code maximumSessions} for the whole store (Caffeine's size eviction, across
 * users) and {@code maximumSessionsPerUser}. When a user's save opens a session beyond their own
 * cap, that user's least recently used session (the one saved or touched longest ago) is evicted,
 * never another user's, so one user opening sessions in a loop cannot push everyone else out.
 *
 * <p>Thread-safe.
 */
public final class InMemorySessionStore implements SessionStore {

    /** Default cap of live sessions per user; a person chats in a few windows, not a hundred. */
    public static final int DEFAULT_MAXIMUM_SESSIONS_PER_USER = 100;

    private final Cache<String, SessionState> cache;
    private final ConcurrentMap<String, SessionState> map;
    /**
     * Each user's live session ids, least recently used first. Changed only inside the cache's
     * atomic operation on the session concerned (its compute, or Caffeine's eviction of it), so
     * that a session and its index entry come and go together. Lock order: a cache entry, then this
     * map; nothing here calls the cache, so the two cannot deadlock.
     */
    private final ConcurrentHashMap<String, LinkedHashSet<String>> byUser = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maximumPerUser;

    private InMemorySessionStore(Builder builder) {
        this.ttl = builder.ttl;
        this.maximumPerUser = builder.maximumSessionsPerUser;
        InstantSource clock = builder.clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(builder.maximumSessions)
                .expireAfterWrite(builder.ttl)
                .ticker(() -> {
                    java.time.Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .executor(Runnable::run)
                // called inside the atomic removal (expiry, global size cap), unlike a removal listener
                .evictionListener((@Nullable String id, @Nullable SessionState state, RemovalCause cause) -> {
                    if (id != null && state != null) {
                        forget(state.userId(), id);
                    }
                })
                .build();
        this.map = cache.asMap();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<Optional<SessionState>> load(String sessionId) {
        return CompletableFuture.completedFuture(Optional.ofNullable(cache.getIfPresent(sessionId)));
    }

    @Override
    public CompletionStage<SaveOutcome> save(SessionState state) {
        boolean[] saved = {false};
        int[] userSessions = {0};
        map.compute(state.sessionId(), (id, current) -> {
            long stored = current == null ? 0 : current.version();
            if (stored != state.version() - 1) {
                return current;
            }
            saved[0] = true;
            if (current != null && !current.userId().equals(state.userId())) {
                // the engine never does this, but the SPI allows it: keep each user's index true
                forget(current.userId(), id);
            }
            userSessions[0] = use(state.userId(), id);
            return state;
        });
        if (userSessions[0] > maximumPerUser) {
            evictLeastRecentlyUsed(state.userId(), state.sessionId());
        }
        return CompletableFuture.completedFuture(saved[0] ? SaveOutcome.SAVED : SaveOutcome.CONFLICT);
    }

    @Override
    public CompletionStage<Boolean> touch(String sessionId) {
        // a write of a fresh instance restarts expire-after-write (reads never renew: a denied read must change nothing)
        SessionState touched = map.computeIfPresent(sessionId, (id, c) -> {
            use(c.userId(), id);
            return c.toBuilder().build();
        });
        return CompletableFuture.completedFuture(touched != null);
    }

    @Override
    public CompletionStage<Boolean> delete(String sessionId) {
        boolean[] deleted = {false};
        map.computeIfPresent(sessionId, (id, c) -> {
            forget(c.userId(), id);
            deleted[0] = true;
            return null;
        });
        return CompletableFuture.completedFuture(deleted[0]);
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    /** The cap of live sessions per user. */
    public int maximumSessionsPerUser() {
        return maximumPerUser;
    }

    @Override
    public StoreHealth health() {
        return StoreHealth.up("in-memory, " + cache.estimatedSize() + " sessions");
    }

    /** Marks the session most recently used by its user; returns how many the user now has. */
    private int use(String userId, String sessionId) {
        int[] size = {0};
        byUser.compute(userId, (u, ids) -> {
            LinkedHashSet<String> set = ids != null ? ids : new LinkedHashSet<>();
            set.remove(sessionId);
            set.add(sessionId);
            size[0] = set.size();
            return set;
        });
        return size[0];
    }

    private void forget(String userId, String sessionId) {
        byUser.computeIfPresent(userId, (u, ids) -> {
            ids.remove(sessionId);
            return ids.isEmpty() ? null : ids;
        });
    }

    /**
     * Evicts the user's least recently used sessions until they are within the cap, never
     * {@code keep} (the session just saved). Outside any cache operation, since it removes other
     * entries of the cache. Each candidate is re-checked inside its own removal: a concurrent
     * save may have used it again, or another eviction may have brought the user under the cap.
     */
    private void evictLeastRecentlyUsed(String userId, String keep) {
        // each round shrinks the index or sees another thread's progress; the bound only stops a
        // pathological livelock (someone using the eldest session over and over)
        for (int round = 0; round < maximumPerUser + 64; round++) {
            String victim = leastRecentlyUsedBeyondCap(userId, keep);
            if (victim == null) {
                return;
            }
            // compute, not computeIfPresent: that one skips the lock for a key still being inserted,
            // and would take a session whose first save is in flight for a stale index entry
            map.compute(victim, (id, c) -> {
                if (c == null || !c.userId().equals(userId)) {
                    forget(userId, id);
                    return c;
                }
                if (!victim.equals(leastRecentlyUsedBeyondCap(userId, keep))) {
                    return c;
                }
                forget(userId, id);
                return null;
            });
        }
    }

    private @Nullable String leastRecentlyUsedBeyondCap(String userId, String keep) {
        String[] victim = {null};
        byUser.computeIfPresent(userId, (u, ids) -> {
            if (ids.size() > maximumPerUser) {
                Iterator<String> it = ids.iterator();
                String eldest = it.next();
                victim[0] = !eldest.equals(keep) ? eldest : it.hasNext() ? it.next() : null;
            }
            return ids;
        });
        return victim[0];
    }

    /** Options for the in-memory store. Not thread-safe; {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private Duration ttl = SessionStore.DEFAULT_TTL;
        private long maximumSessions = 1_000_000;
        private int maximumSessionsPerUser = DEFAULT_MAXIMUM_SESSIONS_PER_USER;
        private InstantSource clock = InstantSource.system();

        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        public Builder maximumSessions(long maximumSessions) {
            if (maximumSessions < 1) {
                throw new IllegalArgumentException("maximumSessions must be at least 1, was " + maximumSessions);
            }
            this.maximumSessions = maximumSessions;
            return this;
        }

        /** Live sessions one user may hold; one more evicts that user's least recently used. Default 100. */
        public Builder maximumSessionsPerUser(int maximumSessionsPerUser) {
            if (maximumSessionsPerUser < 1) {
                throw new IllegalArgumentException("maximumSessionsPerUser must be at least 1, was "
                        + maximumSessionsPerUser);
            }
            this.maximumSessionsPerUser = maximumSessionsPerUser;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public InMemorySessionStore build() {
            return new InMemorySessionStore(this);
        }
    }
}
