package dev.ivbot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.testkit.RecordingClassifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * How a classifier reads a turn in the context of its topic question: by default the two joined,
 * the turn first; a blend asks each part for its own follow-up reading.
 */
class FollowUpReadingTest {

    private static final ClassifierInput FOLLOW_UP = new ClassifierInput("那这个谁出钱", "那这个谁出钱", Language.ZH,
            "medical_exam", Map.of("city", "shenzhen"), "入职体检都查什么项目", "u1");

    private static Classification answer(String intent, double score) {
        return new Classification(List.of(new ScoredIntent(intent, score)), "v1");
    }

    @Test
    void byDefaultTheTurnAndTheTopicQuestionAreReadAsOneTextTurnFirst() {
        for (boolean nonBlocking : new boolean[] {true, false}) {
            RecordingClassifier classifier = new RecordingClassifier(RecordingClassifier.answering(answer("medical_exam", 0.9)), nonBlocking, false);
            List<Runnable> hops = new CopyOnWriteArrayList<>();
            Executor executor = task -> {
                hops.add(task);
                task.run();
            };

            Classification c = classifier.classifyFollowUpAsync(FOLLOW_UP, executor).join();

            assertThat(c.top().intent()).isEqualTo("medical_exam");
            assertThat(classifier.read).singleElement().satisfies(in -> {
                assertThat(in.text()).isEqualTo("那这个谁出钱 入职体检都查什么项目");
                assertThat(in.normalized()).isEqualTo("那这个谁出钱 入职体检都查什么项目");
                assertThat(in.previousIntent()).isEqualTo("medical_exam");
                assertThat(in.slots()).containsEntry("city", "shenzhen");
                assertThat(in.userId()).isEqualTo("u1");
            });
            assertThat(hops).as("a thread hop only for a blocking classifier").hasSize(nonBlocking ? 0 : 1);
        }
    }

    @Test
    void aTurnWithoutATopicQuestionIsReadAsItIs() {
        ClassifierInput alone = new ClassifierInput("年假有几天", "年假有几天", Language.ZH);
        assertThat(alone.joinedWithTopic()).isSameAs(alone);
    }

    @Test
    void aFailureOfANonBlockingClassifierComesBackInTheFuture() {
        IntentClassifier failing = new RecordingClassifier(RecordingClassifier.answering(answer("x", 1)), true, false) {
            @Override
            public Classification classify(ClassifierInput input) {
                throw new IllegalStateException("rules broke");
            }
        };
        assertThat(failing.classifyFollowUpAsync(FOLLOW_UP, Runnable::run)).isCompletedExceptionally();
    }

    @Test
    void aBlendAsksTheModelForItsOwnFollowUpReadingAndTheRulesForTheJoinedText() {
        RecordingClassifier model = new RecordingClassifier(RecordingClassifier.answering(answer("medical_exam", 1.0)),
                false, true);
        RecordingClassifier rules = new RecordingClassifier(
                RecordingClassifier.answering(answer("salary_structure", 1.0)), true, false);
        IntentClassifier blend = IntentClassifier.blend(model, rules, 0.7);

        Classification c = blend.classifyFollowUpAsync(FOLLOW_UP, Runnable::run).join();

        assertThat(model.followUps).containsExactly(FOLLOW_UP);
        assertThat(model.read).as("no joined reading by the model").isEmpty();
        assertThat(rules.read).singleElement().extracting(ClassifierInput::text)
                .isEqualTo("那这个谁出钱 入职体检都查什么项目");
        assertThat(c.ranked()).extracting(ScoredIntent::intent).containsExactly("medical_exam", "salary_structure");
        assertThat(c.top().score()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    }
}
