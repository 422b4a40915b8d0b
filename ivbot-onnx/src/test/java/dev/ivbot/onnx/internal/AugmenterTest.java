package dev.ivbot.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private final KnowledgeBase kb = TestKnowledgeBases.tiny();
    private final Augmenter augmenter = new Augmenter(kb);
    private final List<String> labels = new ArrayList<>(kb.intents().keySet());

    @Test
    void variesASlotTheIntentsAnswerDependsOn() {
        List<String> variants = augmenter.variants("年假有几天", labels.indexOf("leave_policy"), 4, new Random(1));
        assertThat(variants).contains("病假有几天");
    }

    /** Regression: "实习生工资多少" varied to "校招..." taught the model that campus pay is an internship question. */
    @Test
    void leavesASlotValueAloneWhenItIsPartOfAnotherIntentsQuestion() {
        // salary lists no slots: the track named in its example is part of what is asked
        assertThat(augmenter.variants("实习工资多少", labels.indexOf("salary"), 4, new Random(1))).isEmpty();
    }
}
