package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.MutableClock;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SessionConcurrencyTest {

    @Test
    void concurrentTurnsOfOneSessionAreAllApplied() throws Exception {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            int turns = 200;
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < turns; i++) {
                String text = (i % 2 == 0 ? "年假有几天 #" : "面试几轮 #") + i;
                replies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return engine.chat(ChatRequest.of("u", "shared", text));
                }));
            }
            go.countDown();
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
            SessionState state = engine.session("u", "shared").orElseThrow();
            assertThat(state.turns()).isEqualTo(turns);
            assertThat(state.version()).isEqualTo(turns);
            // every turn got its own number
            assertThat(replies.stream().map(f -> f.join().turn()).collect(Collectors.toSet())).hasSize(turns);
        }
    }

    @Test
    void twoTurnsArrivingTogetherBothLand() throws Exception {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            CompletableFuture<Reply> a = engine.chatAsync(ChatRequest.of("u", "pair", "年假有几天"));
            CompletableFuture<Reply> b = engine.chatAsync(ChatRequest.of("u", "pair", "校招面试几轮"));
            a.join();
            b.join();
            SessionState state = engine.session("u", "pair").orElseThrow();
            assertThat(state.turns()).isEqualTo(2);
            assertThat(state.recentTurns()).extracting(SessionState.TurnRecord::text)
                    .containsExactlyInAnyOrder("年假有几天", "校招面试几轮");
            // slots from both turns survive, whatever the order
            assertThat(state.slots()).containsEntry("leave_type", "annual").containsEntry("track", "campus");
        }
    }

    @Test
    void aSessionExpiresAfterItsTtlWithoutTurnsAndHeartbeatsRenewIt() {
        MutableClock clock = MutableClock.start();
        SessionStore store = SessionStore.inMemory(Duration.ofSeconds(600), 1000, clock);
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).clock(clock).build()) {
            engine.chat(ChatRequest.of("u", "ttl", "年假有几天"));
            clock.advance(Duration.ofSeconds(500));
            assertThat(engine.touch("u", "ttl")).isTrue();
            clock.advance(Duration.ofSeconds(500));
            // 1000 s after the turn but only 500 s after the heartbeat: still there
            assertThat(engine.chat(ChatRequest.of("u", "ttl", "那病假呢")).intent()).isEqualTo("leave_policy");
            clock.advance(Duration.ofSeconds(601));
            assertThat(engine.session("u", "ttl")).isEmpty();
            assertThat(engine.touch("u", "ttl")).isFalse();
            // the follow-up no longer has a topic to continue
            assertThat(engine.chat(ChatRequest.of("u", "ttl", "实习呢")).isFallback()).isTrue();
        }
    }

    @Test
    void endSessionDeletesIt() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            engine.chat(ChatRequest.of("u", "end", "年假有几天"));
            assertThat(engine.endSession("u", "end")).isTrue();
            assertThat(engine.session("u", "end")).isEmpty();
            assertThat(engine.endSession("u", "end")).isFalse();
        }
    }
}
