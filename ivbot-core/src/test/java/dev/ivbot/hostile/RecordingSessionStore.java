package dev.ivbot.hostile;

import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store that remembers every session id it was asked to write and counts the writes,
 * so that a test can take the whole store's state before and after an attack and compare them.
 */
final class RecordingSessionStore implements SessionStore {

    private final SessionStore delegate = SessionStore.inMemory();
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private final AtomicInteger writes = new AtomicInteger();

    /** Every session ever written, as stored now, plus the write count. */
    Snapshot snapshot() {
        Map<String, Optional<SessionState>> sessions = new TreeMap<>();
        for (String id : written) {
            sessions.put(id, delegate.load(id).toCompletableFuture().join());
        }
        return new Snapshot(sessions, writes.get());
    }

    record Snapshot(Map<String, Optional<SessionState>> sessions, int writes) {}

    @Override
    public CompletionStage<Optional<SessionState>> load(String sessionId) {
        return delegate.load(sessionId);
    }

    @Override
    public CompletionStage<SaveOutcome> save(SessionState state) {
        written.add(state.sessionId());
        writes.incrementAndGet();
        return delegate.save(state);
    }

    @Override
    public CompletionStage<Boolean> touch(String sessionId) {
        writes.incrementAndGet();
        return delegate.touch(sessionId);
    }

    @Override
    public CompletionStage<Boolean> delete(String sessionId) {
        written.add(sessionId);
        writes.incrementAndGet();
        return delegate.delete(sessionId);
    }

    @Override
    public Duration ttl() {
        return delegate.ttl();
    }
}
