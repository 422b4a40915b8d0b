package dev.ivbot.examples.server;

import dev.ivbot.StoreBusyException;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An in-memory store that answers {@link StoreBusyException} while {@link #busy} is set, like Redis in a failover. */
final class BusySessionStore implements SessionStore {
    volatile boolean busy;
    private final SessionStore delegate = SessionStore.inMemory();

    private <T> CompletionStage<T> orBusy(CompletionStage<T> stage) {
        return busy ? CompletableFuture.failedFuture(new StoreBusyException("no master (test)")) : stage;
    }

    @Override
    public CompletionStage<Optional<SessionState>> load(String sessionId) {
        return orBusy(delegate.load(sessionId));
    }

    @Override
    public CompletionStage<SaveOutcome> save(SessionState state) {
        return orBusy(delegate.save(state));
    }

    @Override
    public CompletionStage<Boolean> touch(String sessionId) {
        return orBusy(delegate.touch(sessionId));
    }

    @Override
    public CompletionStage<Boolean> delete(String sessionId) {
        return orBusy(delegate.delete(sessionId));
    }

    @Override
    public Duration ttl() {
        return delegate.ttl();
    }
}
