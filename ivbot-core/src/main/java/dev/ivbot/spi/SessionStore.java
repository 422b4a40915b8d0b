package dev.ivbot.spi;

import dev.ivbot.internal.InMemorySessionStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions live between turns. Asynchronous so that a network store never ties up a thread;
 * the in-memory store completes at once.
 *
 * <p>Contract, checked by the conformance kit in ivbot-core's test jar
 * ({@code SessionStoreConformanceKit}):
 * <ul>
 *   <li>{@link #save} is a compare-and-set on {@link SessionState#version()}: it writes only if the
 *       stored version is {@code state.version() - 1} (absent counts as 0), and renews the TTL in
 *       the same step;</li>
 *   <li>a session not saved or touched for the store's TTL is gone;</li>
 *   <li>{@link #touch} renews the TTL without changing the state;</li>
 *   <li>a store that cannot accept a save within its bound completes the save exceptionally with
 *       {@link dev.ivbot.StoreBusyException}.</li>
 * </ul>
 * The store does not check ownership; {@link dev.ivbot.DialogEngine} does, from
 * {@link SessionState#userId()}. The session ids the engine hands a store are not the ids clients
 * chose but ids derived from the user and that id ({@link dev.ivbot.DialogEngine#storeSessionId}:
 * {@code <16 hex digits>:<client id>}, at most 128 characters of {@code [A-Za-z0-9._:@-]}), so a
 * store keyed by the session id alone keeps each user's sessions apart.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SessionStore extends AutoCloseable {

    /** Default time a session lives after its last save or touch. */
    Duration DEFAULT_TTL = Duration.ofSeconds(600);

    /** The stored state, or empty if there is none (never saved, expired or deleted). */
    CompletionStage<Optional<SessionState>> load(String sessionId);

    /**
     * The stored state as the backing store has it now, bypassing any local cache. A turn may
     * {@link #load} from a local cache (its compare-and-set save catches a stale copy); the engine
     * uses this for ownership checks outside a turn (heartbeat, end, read). The default is
     * {@link #load}.
     */
    default CompletionStage<Optional<SessionState>> loadFresh(String sessionId) {
        return load(sessionId);
    }

    /** Compare-and-set save; see the class documentation. */
    CompletionStage<SaveOutcome> save(SessionState state);

    /** Renews the TTL; completes with false if the session does not exist. */
    CompletionStage<Boolean> touch(String sessionId);

    /** Deletes the session; completes with false if it did not exist. */
    CompletionStage<Boolean> delete(String sessionId);

    /** How long a session lives after its last save or touch. */
    Duration ttl();

    /** The store's health; cheap enough for a health endpoint. */
    default StoreHealth health() {
        return StoreHealth.up(getClass().getSimpleName());
    }

    /** Releases what the store created (connections, threads). Idempotent. */
    @Override
    default void close() {}

    /**
     * Default cap of live sessions per user in the in-memory store. A user who opens one more loses
     * their own least recently used session (saved or touched longest ago), never another user's.
     */
    int DEFAULT_MAX_SESSIONS_PER_USER = InMemorySessionStore.DEFAULT_MAXIMUM_SESSIONS_PER_USER;

    /**
     * An in-memory store: {@link #DEFAULT_TTL}, at most 1,000,000 sessions and
     * {@link #DEFAULT_MAX_SESSIONS_PER_USER} per user, the system clock.
     */
    static SessionStore inMemory() {
        return InMemorySessionStore.builder().build();
    }

    /**
     * An in-memory store with the given TTL, capacity and clock (tests inject a clock to expire
     * sessions), and {@link #DEFAULT_MAX_SESSIONS_PER_USER} per user.
     */
    static SessionStore inMemory(Duration ttl, long maximumSessions, InstantSource clock) {
        return inMemory(ttl, maximumSessions, DEFAULT_MAX_SESSIONS_PER_USER, clock);
    }

    /**
     * An in-memory store with the given TTL, capacity, cap per user and clock. When a save opens a
     * user's session beyond {@code maximumSessionsPerUser}, that user's least recently used session
     * (saved or touched longest ago) is evicted; {@code maximumSessions} bounds the whole store.
     *
     * @throws IllegalArgumentException if a limit is below 1 or the TTL is not positive (naming it)
     */
    static SessionStore inMemory(Duration ttl, long maximumSessions, int maximumSessionsPerUser, InstantSource clock) {
        return InMemorySessionStore.builder().ttl(ttl).maximumSessions(maximumSessions)
                .maximumSessionsPerUser(maximumSessionsPerUser).clock(clock).build();
    }
}
