package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.kb.AnswerVariant;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerSentencesTest {

    private final KnowledgeBase kb = KnowledgeBase.load(RealModelTest.KB_DIR);

    @Test
    void anIntentWithManyAnswerVariantsLendsTheFirstSentenceOfEachUpToTheCap() {
        Intent leave = kb.intent("leave_policy").orElseThrow();
        assertThat(leave.answers()).hasSizeGreaterThan(ModelTrainer.ANSWER_SENTENCES);

        List<String> sentences = ModelTrainer.answerSentences(leave, Language.values());

        List<String> firsts = new ArrayList<>();
        for (AnswerVariant variant : leave.answers()) {
            for (Language language : Language.values()) {
                firsts.add(TextNormalizer.normalize(ModelTrainer.SENTENCE_BREAK.split(variant.text().in(language))[0]));
            }
        }
        assertThat(sentences).hasSize(ModelTrainer.ANSWER_SENTENCES)
                .containsExactlyElementsOf(firsts.subList(0, ModelTrainer.ANSWER_SENTENCES));
    }

    @Test
    void anIntentWithOneAnswerLendsEverySentenceOfIt() {
        Intent payday = kb.intent("payday").orElseThrow();
        assertThat(payday.answers()).hasSize(1);

        List<String> sentences = ModelTrainer.answerSentences(payday, new Language[] {Language.EN});

        assertThat(sentences).isNotEmpty().hasSizeLessThan(ModelTrainer.ANSWER_SENTENCES)
                .allSatisfy(s -> assertThat(TextNormalizer.normalize(payday.answers().get(0).text().in(Language.EN)))
                        .contains(s));
    }
}
