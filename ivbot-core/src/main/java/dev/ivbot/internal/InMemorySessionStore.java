package dev.ivbot.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.StoreHealth;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;

/**
 * Sessions in a Caffeine cache that expires entries after their TTL without a save or touch
 * (reads do not renew). The compare-and-set runs inside {@code ConcurrentMap.compute}.
 */
public final class InMemorySessionStore implements SessionStore {

    private final Cache<String, SessionState> cache;
    private final ConcurrentMap<String, SessionState> map;
    private final Duration ttl;

    private InMemorySessionStore(Builder builder) {
        this.ttl = builder.ttl;
        InstantSource clock = builder.clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(builder.maximumSessions)
                .expireAfterWrite(builder.ttl)
                .ticker(() -> {
                    java.time.Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .executor(Runnable::run)
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
        map.compute(state.sessionId(), (id, current) -> {
            long stored = current == null ? 0 : current.version();
            if (stored != state.version() - 1) {
                return current;
            }
            saved[0] = true;
            return state;
        });
        return CompletableFuture.completedFuture(saved[0] ? SaveOutcome.SAVED : SaveOutcome.CONFLICT);
    }

    @Override
    public CompletionStage<Boolean> touch(String sessionId) {
        // a write of a fresh instance restarts expire-after-write (reads never renew: a denied read must change nothing)
        SessionState touched = map.computeIfPresent(sessionId, (id, c) -> new SessionState(c.sessionId(), c.userId(),
                c.version(), c.turns(), c.lastIntent(), c.language(), c.slots(), c.recentTurns(), c.createdAtMillis(),
                c.updatedAtMillis()));
        return CompletableFuture.completedFuture(touched != null);
    }

    @Override
    public CompletionStage<Boolean> delete(String sessionId) {
        return CompletableFuture.completedFuture(map.remove(sessionId) != null);
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public StoreHealth health() {
        return StoreHealth.up("in-memory, " + cache.estimatedSize() + " sessions");
    }

    /** Options for the in-memory store. Not thread-safe; {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private Duration ttl = SessionStore.DEFAULT_TTL;
        private long maximumSessions = 1_000_000;
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

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public InMemorySessionStore build() {
            return new InMemorySessionStore(this);
        }
    }
}
