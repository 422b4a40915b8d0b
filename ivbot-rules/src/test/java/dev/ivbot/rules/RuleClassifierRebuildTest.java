package dev.ivbot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.testkit.TestKnowledgeBases;
import dev.ivbot.internal.text.TextNormalizer;
import org.junit.jupiter.api.Test;

/** A KB edit that leaves the examples alone rebuilds the rules without retraining their weights. */
class RuleClassifierRebuildTest {

    static KnowledgeBase tinyWith(String from, String to) {
        String yaml = TestKnowledgeBases.TINY_YAML;
        assertThat(yaml).contains(from);
        return KnowledgeBase.fromYaml("edited.yaml", yaml.replace(from, to));
    }

    static String top(RuleClassifier rules, String text) {
        return rules.classify(new ClassifierInput(text, TextNormalizer.normalize(text), Language.detect(text)))
                .top().intent();
    }

    @Test
    void anAnswerEditReusesTheTrainedWeightsAndAnExampleEditRetrains() {
        KnowledgeBase kb = TestKnowledgeBases.tiny();
        KnowledgeBase answerEdit = tinyWith("薪资面议。", "薪资按职级确定。");
        KnowledgeBase exampleEdit = tinyWith("zh: [工资多少]", "zh: [工资多少, 月薪多少]");
        assertThat(answerEdit.trainingFingerprint()).isEqualTo(kb.trainingFingerprint());
        assertThat(exampleEdit.trainingFingerprint()).isNotEqualTo(kb.trainingFingerprint());

        RuleClassifier before = RuleClassifier.create(kb);
        RuleClassifier afterAnswer = RuleClassifier.create(answerEdit);
        RuleClassifier afterExample = RuleClassifier.create(exampleEdit);
        assertThat(afterAnswer).isNotSameAs(before);
        assertThat(afterAnswer.ngramWeights()).isSameAs(before.ngramWeights());
        assertThat(afterExample.ngramWeights()).isNotSameAs(before.ngramWeights());
        assertThat(afterAnswer.version()).isNotEqualTo(before.version());
        assertThat(top(afterAnswer, "工资多少")).isEqualTo(TestKnowledgeBases.SALARY);
        assertThat(top(afterExample, "月薪多少")).isEqualTo(TestKnowledgeBases.SALARY);
    }
}
