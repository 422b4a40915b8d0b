package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.StuckModel;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassifierDeadlineTest {

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseBlockedClassifier() {
        release.countDown();
    }


    private static final class BrokenModel implements IntentClassifier {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Source source() {
            return Source.MODEL;
        }

        @Override
        public Classification classify(ClassifierInput input) {
            throw new IllegalStateException("model crashed");
        }
    }

    @Test
    void aClassifierPastTheDeadlineGivesWayToTheSecondaryWithinTheDeadline() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new StuckModel(release)).secondaryClassifier(KeywordClassifier.forTinyKb())
                .classifierDeadline(Duration.ofMillis(50)).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(reply.intent()).isEqualTo("leave_policy");
            assertThat(reply.source()).isEqualTo(Source.RULES);
            assertThat(reply.degraded()).isTrue();
            // bounded by the deadline, not by the stuck model (which would take 30 s)
            assertThat(reply.latency()).isLessThan(Duration.ofSeconds(10));
            assertThat(engine.metrics().classifierTimeouts()).isEqualTo(1);
        }
    }

    @Test
    void aClassifierThatThrowsGivesWayToTheSecondary() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new BrokenModel()).secondaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "面试有几轮"));
            assertThat(reply.intent()).isEqualTo("interview_process");
            assertThat(reply.degraded()).isTrue();
            assertThat(engine.metrics().classifierErrors()).isEqualTo(1);
        }
    }

    @Test
    void degradedResultsAreNotCached() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new BrokenModel()).secondaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            engine.chat(ChatRequest.of("u", "s1", "面试有几轮"));
            assertThat(engine.chat(ChatRequest.of("u", "s2", "面试有几轮")).source()).isEqualTo(Source.RULES);
        }
    }

    @Test
    void withNoClassifierLeftTheFallbackAnswersAndTheTurnIsKept() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new BrokenModel()).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "面试有几轮"));
            assertThat(reply.isFallback()).isTrue();
            assertThat(reply.fallbackReason()).isEqualTo(FallbackReason.CLASSIFIER_UNAVAILABLE);
            assertThat(reply.degraded()).isTrue();
            assertThat(engine.session("u", "s")).get().extracting(s -> s.turns()).isEqualTo(1L);
        }
    }

    @Test
    void lowConfidenceAsksBetweenCloseCandidates() {
        IntentClassifier unsure = new IntentClassifier() {
            @Override
            public String name() {
                return "unsure";
            }

            @Override
            public Source source() {
                return Source.MODEL;
            }

            @Override
            public Classification classify(ClassifierInput input) {
                return new Classification(List.of(new ScoredIntent("leave_policy", 0.40),
                        new ScoredIntent("salary", 0.35), new ScoredIntent("interview_process", 0.05)), "1");
            }
        };
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(unsure).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "待遇"));
            assertThat(reply.fallbackReason()).isEqualTo(FallbackReason.AMBIGUOUS);
            assertThat(reply.choices()).extracting(Choice::intent).containsExactly("leave_policy", "salary");
            assertThat(reply.text()).contains("假期政策", "薪资");
            Reply picked = engine.chat(ChatRequest.of("u", "s", "薪资").withChoice(reply.choices().get(1).intent()));
            assertThat(picked.intent()).isEqualTo("salary");
        }
    }

    @Test
    void aTurnWaitingOnTheDeadlineStillEndsWhenTheEngineCloses() throws Exception {
        DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new StuckModel(release)).secondaryClassifier(KeywordClassifier.forTinyKb())
                .classifierDeadline(Duration.ofMillis(100)).build();
        java.util.concurrent.CompletableFuture<Reply> pending = engine.chatAsync(ChatRequest.of("u", "s", "年假有几天"));
        engine.close();
        Reply reply = pending.get(10, TimeUnit.SECONDS);
        assertThat(reply.intent()).isEqualTo("leave_policy");
        assertThat(reply.degraded()).isTrue();
    }
}
