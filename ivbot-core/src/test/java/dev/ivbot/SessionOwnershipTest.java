package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.internal.InputValidator;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions belong to users by construction: the engine stores a session under an id derived from
 * the user and the client's id, so another user's identical id is another session. Regression
 * tests for issue 17 (a user could take "s1" first and lock its owner out, and tell which ids
 * exist from 403 versus 200).
 */
class SessionOwnershipTest {

    /** Remembers which ids the engine handed the store. */
    private static class SpyStore implements SessionStore {
        final SessionStore delegate = SessionStore.inMemory();
        final Set<String> ids = ConcurrentHashMap.newKeySet();

        @Override
        public CompletionStage<Optional<SessionState>> load(String sessionId) {
            ids.add(sessionId);
            return delegate.load(sessionId);
        }

        @Override
        public CompletionStage<SaveOutcome> save(SessionState state) {
            ids.add(state.sessionId());
            return delegate.save(state);
        }

        @Override
        public CompletionStage<Boolean> touch(String sessionId) {
            ids.add(sessionId);
            return delegate.touch(sessionId);
        }

        @Override
        public CompletionStage<Boolean> delete(String sessionId) {
            ids.add(sessionId);
            return delegate.delete(sessionId);
        }

        @Override
        public Duration ttl() {
            return delegate.ttl();
        }
    }

    private final SpyStore store = new SpyStore();
    private final DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
            .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).build();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void twoUsersWithTheSameSessionIdGetIndependentSessions() {
        Reply alice1 = engine.chat(ChatRequest.of("alice", "s1", "年假有几天"));
        // mallory takes the same id: no SessionAccessDeniedException, a session of her own
        Reply mallory1 = engine.chat(ChatRequest.of("mallory", "s1", "面试几轮"));
        assertThat(alice1.turn()).isEqualTo(1);
        assertThat(mallory1.turn()).as("mallory's own first turn, not alice's second").isEqualTo(1);
        assertThat(mallory1.sessionId()).isEqualTo("s1");

        // alice's context is hers alone: her follow-up continues her leave question
        Reply alice2 = engine.chat(ChatRequest.of("alice", "s1", "那病假呢"));
        assertThat(alice2.turn()).isEqualTo(2);
        assertThat(alice2.source()).isEqualTo(Source.CONTEXT);
        assertThat(alice2.intent()).isEqualTo("leave_policy");

        SessionState alices = engine.session("alice", "s1").orElseThrow();
        SessionState mallorys = engine.session("mallory", "s1").orElseThrow();
        assertThat(alices.sessionId()).as("the API keeps the client's id").isEqualTo("s1");
        assertThat(mallorys.sessionId()).isEqualTo("s1");
        assertThat(alices.userId()).isEqualTo("alice");
        assertThat(mallorys.userId()).isEqualTo("mallory");
        assertThat(alices.turns()).isEqualTo(2);
        assertThat(mallorys.turns()).isEqualTo(1);
        assertThat(mallorys.recentTurns()).extracting(SessionState.TurnRecord::text).containsExactly("面试几轮");

        // heartbeat and end reach mallory's session only
        assertThat(engine.touch("mallory", "s1")).isTrue();
        assertThat(engine.endSession("mallory", "s1")).isTrue();
        assertThat(engine.session("mallory", "s1")).isEmpty();
        assertThat(engine.session("alice", "s1")).contains(alices);
        assertThat(engine.chat(ChatRequest.of("alice", "s1", "面试几轮")).turn()).isEqualTo(3);
    }

    @Test
    void anotherUsersIdAnswersExactlyLikeAnIdNobodyHasSoNothingCanBeProbed() {
        engine.chat(ChatRequest.of("alice", "taken", "年假有几天"));
        long refusedBefore = engine.metrics().refused();

        assertThat(engine.session("mallory", "taken")).isEqualTo(engine.session("mallory", "free"));
        assertThat(engine.touch("mallory", "taken")).isEqualTo(engine.touch("mallory", "free")).isFalse();
        assertThat(engine.endSession("mallory", "taken")).isEqualTo(engine.endSession("mallory", "free")).isFalse();
        assertThat(engine.metrics().refused()).isEqualTo(refusedBefore);
        assertThat(engine.session("alice", "taken").orElseThrow().turns()).isEqualTo(1);
    }

    @Test
    void theStoreSeesIdsDerivedFromTheUserAndTheClientsId() {
        engine.chat(ChatRequest.of("alice", "s1", "年假有几天"));
        engine.chat(ChatRequest.of("mallory", "s1", "年假有几天"));

        String alices = DialogEngine.storeSessionId("alice", "s1");
        String mallorys = DialogEngine.storeSessionId("mallory", "s1");
        assertThat(store.ids).containsExactlyInAnyOrder(alices, mallorys);
        assertThat(alices).matches("[0-9a-f]{16}:s1").isNotEqualTo(mallorys);
        assertThat(DialogEngine.storeSessionId("alice", "s1")).as("deterministic").isEqualTo(alices);
        // pinned: sessions already in a shared store (Redis) are found only while this stays the same
        assertThat(alices).isEqualTo("2bd806c97f0e00af:s1");
        assertThat(store.delegate.load(alices).toCompletableFuture().join()).hasValueSatisfying(s -> {
            assertThat(s.sessionId()).isEqualTo(alices);
            assertThat(s.userId()).isEqualTo("alice");
        });
    }

    @Test
    void storeIdsStayWithinTheIdLimitsAndOutOfRedisHashTags() {
        String longUser = "u" + "x".repeat(InputValidator.MAX_ID_LENGTH - 1);
        String longest = "s" + "y".repeat(InputValidator.MAX_ID_LENGTH - 1);
        String literalLimit = "s" + "z".repeat(110); // 111 characters: kept as it is
        for (String user : new String[] {"a", "alice@example.com", "a:b", longUser}) {
            for (String session : new String[] {"s", "t-2f1c:9@x.y_z", literalLimit, literalLimit + "z", longest}) {
                String id = DialogEngine.storeSessionId(user, session);
                assertThat(id).as("%s / %s", user, session).matches(InputValidator.ID).doesNotContain("{", "}");
                assertThat(id.length()).isLessThanOrEqualTo(InputValidator.MAX_ID_LENGTH);
            }
        }
        assertThat(DialogEngine.storeSessionId("a", literalLimit)).endsWith(":" + literalLimit);
        String hashed = DialogEngine.storeSessionId("a", longest);
        assertThat(hashed).matches("[0-9a-f]{16}\\.[0-9a-f]{32}");
        assertThat(DialogEngine.storeSessionId("a", longest.substring(0, 127) + "q")).isNotEqualTo(hashed);
        // a user id with ':' cannot shift the boundary between the parts
        assertThat(DialogEngine.storeSessionId("a:b", "c")).isNotEqualTo(DialogEngine.storeSessionId("a", "b:c"));
        // the longest ids still make a working session
        assertThat(engine.chat(ChatRequest.of(longUser, longest, "年假有几天")).sessionId()).isEqualTo(longest);
        assertThat(engine.session(longUser, longest).orElseThrow().turns()).isEqualTo(1);

        assertThatThrownBy(() -> DialogEngine.storeSessionId("a", "{s}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sessionId");
        assertThatThrownBy(() -> DialogEngine.storeSessionId("a b", "s")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("userId");
    }

    @Test
    void theOwnershipCheckStaysAsASecondLineOfDefence() {
        // a store that hands back one session whatever id it is asked for (a broken store, or two
        // users whose hashes collide): the engine still refuses another user's state
        SessionStore oneSession = new SpyStore() {
            @Override
            public CompletionStage<Optional<SessionState>> load(String sessionId) {
                return delegate.load("the-one");
            }

            @Override
            public CompletionStage<SaveOutcome> save(SessionState state) {
                return delegate.save(new SessionState("the-one", state.userId(), state.version(), state.turns(),
                        state.lastIntent(), state.language(), state.slots(), state.recentTurns(),
                        state.createdAtMillis(), state.updatedAtMillis()));
            }
        };
        try (DialogEngine shared = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(oneSession).build()) {
            shared.chat(ChatRequest.of("alice", "s1", "年假有几天"));
            assertThatThrownBy(() -> shared.chat(ChatRequest.of("mallory", "s1", "那病假呢")))
                    .isInstanceOf(SessionAccessDeniedException.class).hasMessageContaining("s1")
                    .hasMessageNotContaining("alice");
            assertThatThrownBy(() -> shared.session("mallory", "s2")).isInstanceOf(SessionAccessDeniedException.class)
                    .hasMessageContaining("s2");
            assertThatThrownBy(() -> shared.touch("mallory", "s1")).isInstanceOf(SessionAccessDeniedException.class);
            assertThatThrownBy(() -> shared.endSession("mallory", "s1")).isInstanceOf(SessionAccessDeniedException.class);
            assertThat(shared.session("alice", "s1").orElseThrow().turns()).isEqualTo(1);
        }
    }
}
