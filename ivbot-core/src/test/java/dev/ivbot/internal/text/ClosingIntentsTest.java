package dev.ivbot.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClosingIntentsTest {

    @Test
    void findsTheDemoKbsClosingAndNothingElse() {
        assertThat(ClosingIntents.of(KnowledgeBase.load(Path.of("../examples/hr-demo-kb")))).containsExactly("closing");
    }

    @Test
    void aKbWithoutThanksOrGoodbyesHasNoClosing() {
        assertThat(ClosingIntents.of(TestKnowledgeBases.tiny())).isEmpty();
    }

    @Test
    void anIntentIsAClosingWhenAtLeastHalfOfItsExamplesThankOrSayGoodbye() {
        KnowledgeBase kb = KnowledgeBase.fromYaml("closings.yaml", """
                name: Closings
                intents:
                  - id: bye
                    title: {zh: 再见, en: Bye}
                    examples:
                      zh: [谢谢, 好的拜拜]
                      en: [cheers, ok]
                    answers: [{zh: 再见！, en: Bye!}]
                  - id: feedback
                    title: {zh: 反馈, en: Feedback}
                    examples:
                      zh: [谢谢你们的面试安排, 面试体验怎么反馈, 对面试官有意见找谁]
                      en: [where do i leave feedback]
                    answers: [{zh: 请发邮件。, en: Please write an e-mail.}]
                """);
        // bye: 3 of 4 examples; feedback: 1 of 4, a question that happens to thank
        assertThat(ClosingIntents.of(kb)).containsExactly("bye");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "那没别的了,拜拜 | true",
        "好的,多谢 | true",
        "that helps, thanks | true",
        "ok thank you, bye | true",
        "that's all | true",
        "thanksgiving holiday | false",
        "typical working hours | false",
        "那这个谁出钱 | false",
        "好的,了解了 | false",
        "is that paid | false"})
    void marksThanksAndGoodbyesAsWholeWords(String normalized, boolean marked) {
        assertThat(ClosingIntents.marks(normalized)).as(normalized).isEqualTo(marked);
    }
}
