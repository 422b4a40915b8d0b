package dev.ivbot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.MutableClock;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's cap on live sessions per user: one more evicts that user's least recently
 * used session and never another user's (issue 17: one user made 2,000 sessions at ~880/s, and the
 * global cap alone would let one user push everyone else out).
 */
class InMemorySessionStorePerUserCapTest {

    private final MutableClock clock = MutableClock.start();

    private SessionStore store(int perUser) {
        return SessionStore.inMemory(Duration.ofMinutes(10), 1_000_000, perUser, clock);
    }

    private static SessionState opened(String sessionId, String userId) {
        return SessionState.empty(sessionId, userId, 0).next(null, "zh", Map.of(),
                new SessionState.TurnRecord(1, null, "hi"), 1);
    }

    private static boolean live(SessionStore store, String sessionId) {
        return store.load(sessionId).toCompletableFuture().join().isPresent();
    }

    private static void save(SessionStore store, SessionState state) {
        assertThat(store.save(state).toCompletableFuture().join()).isEqualTo(SaveOutcome.SAVED);
    }

    @Test
    void aUsersSessionsBeyondTheCapEvictThatUsersOldestOnly() {
        SessionStore store = store(3);
        for (int i = 1; i <= 3; i++) {
            save(store, opened("a" + i, "alice"));
            save(store, opened("b" + i, "bob"));
        }
        save(store, opened("a4", "alice"));

        assertThat(live(store, "a1")).as("alice's oldest").isFalse();
        assertThat(List.of("a2", "a3", "a4")).allMatch(id -> live(store, id));
        assertThat(List.of("b1", "b2", "b3")).as("bob's sessions are not alice's to lose").allMatch(id -> live(store, id));

        // five more for alice: still three of hers, bob untouched
        for (int i = 5; i <= 9; i++) {
            save(store, opened("a" + i, "alice"));
        }
        assertThat(IntStream.rangeClosed(1, 9).filter(i -> live(store, "a" + i))).containsExactly(7, 8, 9);
        assertThat(List.of("b1", "b2", "b3")).allMatch(id -> live(store, id));
    }

    @Test
    void oldestMeansLeastRecentlyUsedSoAnActiveConversationSurvives() {
        SessionStore store = store(3);
        save(store, opened("a1", "alice"));
        save(store, opened("a2", "alice"));
        save(store, opened("a3", "alice"));
        // a1 is still in use (a turn, then a heartbeat); a2 is the one alice left longest ago
        SessionState a1 = store.load("a1").toCompletableFuture().join().orElseThrow();
        save(store, a1.next(null, "zh", Map.of(), new SessionState.TurnRecord(2, null, "again"), 2));
        assertThat(store.touch("a3").toCompletableFuture().join()).isTrue();

        save(store, opened("a4", "alice"));
        assertThat(live(store, "a2")).isFalse();
        assertThat(List.of("a1", "a3", "a4")).allMatch(id -> live(store, id));
    }

    @Test
    void endedAndExpiredSessionsFreeTheirPlace() {
        SessionStore store = store(2);
        save(store, opened("a1", "alice"));
        save(store, opened("a2", "alice"));
        assertThat(store.delete("a1").toCompletableFuture().join()).isTrue();
        save(store, opened("a3", "alice"));
        assertThat(List.of("a2", "a3")).allMatch(id -> live(store, id));

        clock.advance(Duration.ofMinutes(11));
        assertThat(live(store, "a2")).isFalse();
        save(store, opened("a4", "alice"));
        save(store, opened("a5", "alice"));
        assertThat(List.of("a4", "a5")).as("expired sessions do not count against the cap")
                .allMatch(id -> live(store, id));
    }

    @Test
    void theDefaultCapIsAHundredPerUser() {
        SessionStore store = SessionStore.inMemory();
        assertThat(SessionStore.DEFAULT_MAX_SESSIONS_PER_USER).isEqualTo(100);
        save(store, opened("other", "bob"));
        for (int i = 1; i <= 101; i++) {
            save(store, opened("a" + i, "alice"));
        }
        assertThat(live(store, "a1")).isFalse();
        assertThat(IntStream.rangeClosed(2, 101).allMatch(i -> live(store, "a" + i))).isTrue();
        assertThat(live(store, "other")).isTrue();
    }

    @RepeatedTest(10)
    void concurrentOpensKeepTheUserAtTheCapAndLeaveOthersAlone() throws Exception {
        SessionStore store = store(10);
        for (int i = 0; i < 10; i++) {
            save(store, opened("bob-" + i, "bob"));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> opens = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            opens.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 200; i++) {
                    save(store, opened("alice-" + thread + "-" + i, "alice"));
                }
            }));
        }
        go.countDown();
        CompletableFuture.allOf(opens.toArray(CompletableFuture[]::new)).join();

        long alices = IntStream.range(0, 8).boxed()
                .flatMap(t -> IntStream.range(0, 200).mapToObj(i -> "alice-" + t + "-" + i))
                .filter(id -> live(store, id)).count();
        assertThat(alices).isEqualTo(10);
        assertThat(IntStream.range(0, 10).allMatch(i -> live(store, "bob-" + i))).isTrue();
        // the index agrees with the cache: one more of alice's evicts exactly one of hers
        save(store, opened("alice-last", "alice"));
        assertThat(IntStream.range(0, 8).boxed()
                .flatMap(t -> IntStream.range(0, 200).mapToObj(i -> "alice-" + t + "-" + i))
                .filter(id -> live(store, id)).count()).isEqualTo(9);
    }

    @Test
    void throughTheEngineAUsersOldSessionStartsAfreshAndOtherUsersKeepTheirs() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store(2)).build()) {
            engine.chat(ChatRequest.of("bob", "s1", "年假有几天"));
            engine.chat(ChatRequest.of("alice", "s1", "年假有几天"));
            engine.chat(ChatRequest.of("alice", "s2", "年假有几天"));
            engine.chat(ChatRequest.of("alice", "s3", "年假有几天"));
            assertThat(engine.session("alice", "s1")).isEmpty();
            assertThat(engine.session("bob", "s1")).as("same client id, other user: kept").isPresent();
            assertThat(engine.chat(ChatRequest.of("alice", "s1", "那病假呢")).turn()).isEqualTo(1);
        }
    }

    @Test
    void theCapIsCheckedAtTheSetter() {
        assertThatThrownBy(() -> InMemorySessionStore.builder().maximumSessionsPerUser(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumSessionsPerUser");
        assertThatThrownBy(() -> SessionStore.inMemory(Duration.ofSeconds(1), 10, 0, clock))
                .hasMessageContaining("maximumSessionsPerUser");
        assertThat(InMemorySessionStore.builder().build().maximumSessionsPerUser()).isEqualTo(100);
    }
}
