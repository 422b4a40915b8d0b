package dev.ivbot.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.spi.ReviewReason;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which turns go to the review queue, and that they arrive redacted with their details. */
class ReviewRecorderTest {

    private static List<ReviewItem> run(String... questions) {
        ReviewQueue queue = ReviewQueue.inMemory();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb())
                .listener(ReviewRecorder.builder(queue).handoffWords(List.of("转人工", "human")).build()).build()) {
            for (String q : questions) {
                engine.chat(ChatRequest.of("u1", "s1", q));
            }
        } // closing the engine delivers the queued events
        return queue.items();
    }

    @Test
    void aFallbackIsRecordedRedactedWithItsDetails() {
        List<ReviewItem> items = run("我的手机13812345678能收到体检通知吗");
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.text()).isEqualTo("我的手机<phone>能收到体检通知吗");
            assertThat(i.reason()).isEqualTo(ReviewReason.FALLBACK);
            assertThat(i.sessionId()).isEqualTo("s1");
            assertThat(i.kbFingerprint()).isEqualTo(TestKnowledgeBases.tiny().fingerprint());
            assertThat(i.modelVersion()).isNotEmpty();
            assertThat(i.answeredIntent()).isNull();
        });
    }

    @Test
    void aConfidentAnswerIsNotRecorded() {
        assertThat(run("年假有几天")).isEmpty();
    }

    @Test
    void anAnswerFollowedByARequestForAPersonIsRecorded() {
        List<ReviewItem> items = run("年假有几天", "转人工");
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.text()).isEqualTo("年假有几天");
            assertThat(i.reason()).isEqualTo(ReviewReason.HUMAN_REQUESTED);
            assertThat(i.answeredIntent()).isEqualTo(TestKnowledgeBases.LEAVE);
            assertThat(i.candidates()).extracting(c -> c.intent()).startsWith(TestKnowledgeBases.LEAVE);
        });
    }

    @Test
    void anAnswerFollowedByTheSameQuestionInOtherWordsIsRecorded() {
        List<ReviewItem> items = run("年假有几天", "我想知道请假的规定");
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.text()).isEqualTo("年假有几天");
            assertThat(i.reason()).isEqualTo(ReviewReason.REPHRASED);
        });
    }

    @Test
    void aNewTopicIsNoRephrase() {
        assertThat(run("年假有几天", "面试有几轮")).isEmpty();
    }

    @Test
    void similarityIsHighForASmallChangeOnly() {
        assertThat(ReviewRecorder.similarity("年假有几天", "年假有几天啊")).isGreaterThan(0.6);
        assertThat(ReviewRecorder.similarity("年假有几天", "面试有几轮")).isLessThan(0.6);
        // Dice over distinct bigrams: {ab, ba} and {ab} share one of three
        assertThat(ReviewRecorder.similarity("abab", "ab")).isEqualTo(2.0 / 3);
        assertThat(ReviewRecorder.similarity("a", "ab")).isZero();
    }
}
