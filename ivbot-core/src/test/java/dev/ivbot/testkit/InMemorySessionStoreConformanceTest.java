package dev.ivbot.testkit;

import dev.ivbot.internal.InMemorySessionStore;
import dev.ivbot.spi.SessionStore;
import java.time.Duration;

/** The in-memory store against the conformance kit, on a clock the test moves. */
class InMemorySessionStoreConformanceTest extends SessionStoreConformanceKit {

    private final MutableClock clock = MutableClock.start();

    @Override
    protected SessionStore createStore(Duration ttl) {
        return InMemorySessionStore.builder().ttl(ttl).clock(clock).build();
    }

    @Override
    protected void advancePast(Duration duration) {
        clock.advance(duration.plusNanos(1));
    }

    @Override
    protected Duration expiryTtl() {
        return SessionStore.DEFAULT_TTL;
    }
}
