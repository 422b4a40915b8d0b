package dev.ivbot.examples.server;

import dev.ivbot.StoreBusyException;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.StoreHealth;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An in-memory store that answers {@link StoreBusyException} while {@link #busy} is set, like Redis in a failover. */
final class BusySessionStore implements SessionStore {
    volatile boolean busy;
    /** A failover the buffer absorbs: unreachable, still accepting turns. */
    volatile boolean failingOver;
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

    @Override
    public StoreHealth health() {
        if (busy) {
            return new StoreHealth(false, false, 40, 2, Duration.ofSeconds(6), "no master beyond the buffer (test)");
        }
        if (failingOver) {
            return new StoreHealth(false, true, 3, 1, Duration.ofMillis(800), "failing over (test)");
        }
        return StoreHealth.up("test store");
    }
}
