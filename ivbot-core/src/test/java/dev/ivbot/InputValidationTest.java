package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.internal.InputValidator;
import dev.ivbot.spi.SessionState;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InputValidationTest {

    private final DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
            .primaryClassifier(KeywordClassifier.forTinyKb()).maxTextLength(100).build();

    @AfterEach
    void close() {
        engine.close();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of(ChatRequest.of("u", "s", ""), "text", "blank"),
                Arguments.of(ChatRequest.of("u", "s", "   \t\n "), "text", "blank"),
                Arguments.of(ChatRequest.of("u", "s", "x".repeat(101)), "text", "more than the limit of 100"),
                Arguments.of(ChatRequest.of("u", "s", "年假".repeat(1_000_000)), "text", "more than the limit"),
                Arguments.of(ChatRequest.of("u", "s", "年假\uD800有几天"), "text", "unpaired surrogate at index 2"),
                Arguments.of(ChatRequest.of("u", "s", "\uDC00"), "text", "unpaired surrogate"),
                Arguments.of(ChatRequest.of("u", "s", "\u202E\u200B"), "text", "no visible characters"),
                Arguments.of(ChatRequest.of("", "s", "年假"), "userId", "missing"),
                Arguments.of(ChatRequest.of("u", "", "年假"), "sessionId", "missing"),
                Arguments.of(ChatRequest.of("u", "a b", "年假"), "sessionId", "may hold only"),
                Arguments.of(ChatRequest.of("u", "s*", "年假"), "sessionId", "may hold only"),
                Arguments.of(ChatRequest.of("u", "{s}", "年假"), "sessionId", "may hold only"),
                Arguments.of(ChatRequest.of("u", "s\r\nDEL x", "年假"), "sessionId", "may hold only"),
                Arguments.of(ChatRequest.of("u\n", "s", "年假"), "userId", "may hold only"),
                Arguments.of(ChatRequest.of("u", "s".repeat(129), "年假"), "sessionId", "more than the limit of 128"),
                Arguments.of(ChatRequest.of("u", "s", "年假").withAttributes(Map.of("salary", "high")), "attributes",
                        "unknown slot 'salary'"),
                Arguments.of(ChatRequest.of("u", "s", "年假").withAttributes(Map.of("track", "ceo")), "attributes",
                        "unknown value 'ceo'"),
                Arguments.of(ChatRequest.of("u", "s", "年假").withChoice("weather"), "choice", "unknown intent"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputIsRefusedWithAClearErrorAndNothingStored(ChatRequest request, String field, String message) {
        assertThatThrownBy(() -> engine.chat(request))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(field)
                .hasMessageContaining(message)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo(field);
        if (InputValidator.ID.matcher(request.sessionId()).matches() && InputValidator.ID.matcher(request.userId()).matches()) {
            String stored = DialogEngine.storeSessionId(request.userId(), request.sessionId());
            assertThat(engine.sessionStore().load(stored).toCompletableFuture().join()).isEmpty();
        }
        assertThat(engine.metrics().turns()).isZero();
        assertThat(engine.metrics().refused()).isEqualTo(1);
    }

    @Test
    void controlCharactersAreReplacedNotStored() {
        Reply reply = engine.chat(ChatRequest.of("u", "s", "年假\u0000有\u0007几天"));
        assertThat(reply.intent()).isEqualTo("leave_policy");
        SessionState state = engine.session("u", "s").orElseThrow();
        assertThat(state.recentTurns().get(0).text()).isEqualTo("年假 有 几天");
    }

    @Test
    void anotherUsersSessionCannotBeReadContinuedTouchedOrEnded() {
        engine.chat(ChatRequest.of("alice", "s1", "年假有几天"));
        SessionState before = engine.session("alice", "s1").orElseThrow();

        // the same id names mallory's own session (none yet): nothing of alice's is reached
        assertThat(engine.session("mallory", "s1")).isEmpty();
        assertThat(engine.touch("mallory", "s1")).isFalse();
        assertThat(engine.endSession("mallory", "s1")).isFalse();
        Reply mallorys = engine.chat(ChatRequest.of("mallory", "s1", "那病假呢"));
        assertThat(mallorys.turn()).as("a new session, not alice's second turn").isEqualTo(1);
        assertThat(mallorys.source()).as("alice's context is not mallory's").isNotEqualTo(Source.CONTEXT);

        assertThat(engine.session("alice", "s1")).contains(before);
    }

    @Test
    void aClosedEngineRefusesTurns() {
        engine.close();
        assertThatThrownBy(() -> engine.chat(ChatRequest.of("u", "s", "年假"))).isInstanceOf(EngineClosedException.class);
    }

    @Test
    void builderNamesTheBadArgument() {
        assertThatThrownBy(() -> DialogEngine.builder().maxTextLength(0)).hasMessageContaining("maxTextLength");
        assertThatThrownBy(() -> DialogEngine.builder().classifierDeadline(java.time.Duration.ZERO))
                .hasMessageContaining("deadline");
        assertThatThrownBy(() -> DialogEngine.builder().build()).hasMessageContaining("knowledgeBase");
        assertThatThrownBy(() -> DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny()).build())
                .hasMessageContaining("primaryClassifier");
    }
}
