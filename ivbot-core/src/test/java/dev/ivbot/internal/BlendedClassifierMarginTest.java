package dev.ivbot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.testkit.RecordingClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blend's scores mix a model's and the rules', but the model's margin passes through as the model's. */
class BlendedClassifierMarginTest {

    private static IntentClassifier fixed(Classification answer, boolean nonBlocking) {
        return new RecordingClassifier(RecordingClassifier.answering(answer), nonBlocking, false);
    }

    @Test
    void carriesTheModelsMarginNotARuleClassifiersAbsentOne() {
        Classification model = new Classification(List.of(new ScoredIntent("relocation", 1.0),
                new ScoredIntent("payday", 1e-17)), "m1", new Classification.Margin("relocation", 39.1));
        Classification rules = new Classification(List.of(new ScoredIntent("payday", 0.4)), "r1");
        Classification blended = new BlendedClassifier(fixed(model, false), fixed(rules, true), 0.7)
                .classify(new ClassifierInput("is there a relocation package", "is there a relocation package",
                        Language.EN));
        assertThat(blended.top().intent()).isEqualTo("relocation");
        assertThat(blended.top().score()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(blended.margin()).isEqualTo(new Classification.Margin("relocation", 39.1));

        Classification rulesFirst = new BlendedClassifier(fixed(rules, false), fixed(model, true), 0.7)
                .classify(new ClassifierInput("x", "x", Language.EN));
        assertThat(rulesFirst.margin()).as("the first part has none").isNull();
    }
}
