package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.StoreHealth;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** What a load balancer learns from {@link DialogEngine#health()}: DEGRADED is not DOWN. */
class EngineHealthTest {

    /** The in-memory store with a health the test sets. */
    static final class StoreWithHealth implements SessionStore {
        final SessionStore delegate = SessionStore.inMemory();
        volatile StoreHealth health = StoreHealth.up("test");

        @Override
        public CompletionStage<Optional<SessionState>> load(String sessionId) {
            return delegate.load(sessionId);
        }

        @Override
        public CompletionStage<SaveOutcome> save(SessionState state) {
            return delegate.save(state);
        }

        @Override
        public CompletionStage<Boolean> touch(String sessionId) {
            return delegate.touch(sessionId);
        }

        @Override
        public CompletionStage<Boolean> delete(String sessionId) {
            return delegate.delete(sessionId);
        }

        @Override
        public Duration ttl() {
            return delegate.ttl();
        }

        @Override
        public StoreHealth health() {
            return health;
        }
    }

    @Test
    void aFailoverAbsorbedByTheBufferIsDegradedAndReadyAnOutageBeyondItIsDownAndNotReady() {
        StoreWithHealth store = new StoreWithHealth();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).build()) {
            EngineHealth up = engine.health();
            assertThat(up.status()).isEqualTo(EngineHealth.Status.UP);
            assertThat(up.ready()).isTrue();

            store.health = new StoreHealth(false, true, 12, 3, Duration.ofSeconds(1), "failing over");
            EngineHealth absorbing = engine.health();
            assertThat(absorbing.status()).isEqualTo(EngineHealth.Status.DEGRADED);
            assertThat(absorbing.ready()).as("the buffer answers: keep the node in rotation").isTrue();
            assertThat(absorbing.problems()).anySatisfy(p -> assertThat(p).contains("absorbed by its buffer"));

            store.health = new StoreHealth(false, false, 40, 3, Duration.ofSeconds(6), "no master for 6 s");
            EngineHealth down = engine.health();
            assertThat(down.status()).isEqualTo(EngineHealth.Status.DOWN);
            assertThat(down.ready()).isFalse();
            assertThat(down.problems()).anySatisfy(p -> assertThat(p).contains("not accepting"));
        }
        store.delegate.close();
    }

    @Test
    void aStoreWithoutABufferAcceptsExactlyWhenReachable() {
        assertThat(new StoreHealth(true, 0, Duration.ZERO, "x").accepting()).isTrue();
        assertThat(new StoreHealth(false, 0, Duration.ZERO, "x").accepting()).isFalse();
    }

    @Test
    void aClosedEngineIsDownAndNotReady() {
        DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build();
        engine.close();
        EngineHealth health = engine.health();
        assertThat(engine.isClosed()).isTrue();
        assertThat(health.status()).isEqualTo(EngineHealth.Status.DOWN);
        assertThat(health.ready()).isFalse();
    }
}
