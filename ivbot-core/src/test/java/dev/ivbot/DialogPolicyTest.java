package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.RecordingClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DialogPolicyTest {

    private final DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
            .primaryClassifier(KeywordClassifier.forTinyKb()).build();

    @AfterEach
    void close() {
        engine.close();
    }

    private Reply chat(String session, String text) {
        return engine.chat(ChatRequest.of("alice", session, text));
    }

    @Test
    void noiseGetsTheFallbackWhateverTheClassifierSays() {
        // a classifier that would read each of these as a salary question
        try (DialogEngine eager = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(dev.ivbot.testkit.KeywordClassifier.of(Map.of("?", TestKnowledgeBases.SALARY,
                        "/", TestKnowledgeBases.SALARY, "\uD83D\uDE42", TestKnowledgeBases.SALARY,
                        "x", TestKnowledgeBases.SALARY, "1", TestKnowledgeBases.SALARY, "hr", TestKnowledgeBases.SALARY,
                        "薪", TestKnowledgeBases.SALARY, "\u0437", TestKnowledgeBases.SALARY))).build()) {
            for (String noise : java.util.List.of("？？？", "/", "\uD83D\uDE42\uD83D\uDE42\uD83D\uDE42", "...?",
                    "x", "x?", "12345", "2026", "k 1", "xxxx", "1 x 1")) {
                Reply reply = eager.chat(ChatRequest.of("alice", "noise", noise));
                assertThat(reply.isFallback()).as(noise).isTrue();
                assertThat(reply.fallbackReason()).as(noise).isEqualTo(FallbackReason.OUT_OF_SCOPE);
                assertThat(reply.degraded()).as(noise).isFalse();
            }
            // two different Latin letters, one Han character or a letter of another script are something to classify
            for (String words : java.util.List.of("hr?", "x hr", "薪", "\u0437")) {
                assertThat(eager.chat(ChatRequest.of("alice", "words", words)).intent()).as(words)
                        .isEqualTo(TestKnowledgeBases.SALARY);
            }
        }
    }

    @Test
    void aKbExampleIsNeverNoiseEvenWithoutWords() {
        // "886" (bye-bye) is a closing example in Chinese KBs: the author's examples go to the classifier
        KnowledgeBase kb = KnowledgeBase.fromYaml("kb.yaml", """
                name: noise
                intents:
                  - id: closing
                    title: {zh: 再见, en: Bye}
                    examples:
                      zh: ['886', 再见]
                      en: [bye]
                    answers:
                      - zh: 再见
                        en: Bye
                """);
        try (DialogEngine eager = DialogEngine.builder().knowledgeBase(kb)
                .primaryClassifier(dev.ivbot.testkit.KeywordClassifier.of(Map.of("886", "closing", "12345", "closing")))
                .build()) {
            assertThat(eager.chat(ChatRequest.of("alice", "s", "886")).intent()).isEqualTo("closing");
            assertThat(eager.chat(ChatRequest.of("alice", "s", "12345")).fallbackReason())
                    .isEqualTo(FallbackReason.OUT_OF_SCOPE);
        }
    }

    @Test
    void slotOnlyFollowUpKeepsTheIntentAndChangesTheSlot() {
        Reply first = chat("s1", "年假有几天？");
        assertThat(first.intent()).isEqualTo("leave_policy");
        assertThat(first.slots()).containsEntry("leave_type", "annual");
        assertThat(first.text()).contains("15天");

        Reply second = chat("s1", "那病假呢");
        assertThat(second.intent()).isEqualTo("leave_policy");
        assertThat(second.source()).isEqualTo(Source.CONTEXT);
        assertThat(second.slots()).containsEntry("leave_type", "sick");
        assertThat(second.text()).contains("病假每年10天");
        assertThat(second.turn()).isEqualTo(2);
    }

    @Test
    void englishFollowUpIsAnsweredInEnglish() {
        assertThat(chat("s2", "How many days of annual leave do I get?").text()).contains("15 days");
        Reply reply = chat("s2", "And sick leave?");
        assertThat(reply.intent()).isEqualTo("leave_policy");
        assertThat(reply.language()).isEqualTo(Language.EN);
        assertThat(reply.text()).isEqualTo("10 days of sick leave a year.");
    }

    @Test
    void trackPersistsAcrossTopicSwitchesUntilReplaced() {
        assertThat(chat("s3", "校招面试有几轮").slots()).containsEntry("track", "campus");
        Reply salary = chat("s3", "工资多少");
        assertThat(salary.intent()).isEqualTo("salary");
        assertThat(salary.slots()).containsEntry("track", "campus");
        Reply leave = chat("s3", "年假几天");
        assertThat(leave.intent()).isEqualTo("leave_policy");
        assertThat(leave.slots()).containsEntry("track", "campus").containsEntry("leave_type", "annual");
        Reply intern = chat("s3", "实习呢");
        assertThat(intern.intent()).isEqualTo("leave_policy");
        assertThat(intern.slots()).containsEntry("track", "intern").containsEntry("leave_type", "annual");
    }

    @Test
    void outOfScopeGoesToTheFallbackAndKeepsTheSession() {
        chat("s4", "年假有几天");
        Reply reply = chat("s4", "明天天气怎么样");
        assertThat(reply.isFallback()).isTrue();
        assertThat(reply.intent()).isNull();
        assertThat(reply.fallbackReason()).isEqualTo(FallbackReason.OUT_OF_SCOPE);
        assertThat(reply.text()).isEqualTo("抱歉，我没理解您的问题。");
        // the topic survives a fallback turn
        assertThat(chat("s4", "那病假呢").intent()).isEqualTo("leave_policy");
    }

    @Test
    void aPronounForTheTopicStaysOnItThoughItNamesAnotherIntentsWord() {
        assertThat(chat("p1", "年假有几天").intent()).isEqualTo("leave_policy");
        // read alone, "工资" makes it a salary question
        assertThat(chat("p0", "这个工资照发吗").intent()).isEqualTo("salary");
        Reply reply = chat("p1", "这个工资照发吗");
        assertThat(reply.intent()).isEqualTo("leave_policy");
        assertThat(reply.source()).isEqualTo(Source.CONTEXT);
        assertThat(reply.slots()).containsEntry("leave_type", "annual");
    }

    @Test
    void aBareFollowUpAfterAnOutOfScopeTurnAttachesToTheLastRealTopic() {
        chat("p2", "面试有几轮");
        assertThat(chat("p2", "你是chatgpt吗").isFallback()).isTrue();
        Reply reply = chat("p2", "那它一般多久");
        assertThat(reply.intent()).isEqualTo("interview_process");
        assertThat(reply.source()).isEqualTo(Source.CONTEXT);
        // without a pronoun, an unrecognised question is out of scope, topic or not
        assertThat(chat("p2", "你是chatgpt吗").isFallback()).isTrue();
    }

    @Test
    void aRealTopicSwitchStillSwitches() {
        chat("p3", "年假有几天");
        Reply reply = chat("p3", "校招面试有几轮");
        assertThat(reply.intent()).isEqualTo("interview_process");
        assertThat(reply.source()).isEqualTo(Source.RULES);
        assertThat(reply.slots()).containsEntry("track", "campus");
    }

    @Test
    void withoutAContextReadingOnlyBareSlotFollowUpsContinueTheTopic() {
        try (DialogEngine off = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).contextReading(ContextReading.OFF).build()) {
            off.chat(ChatRequest.of("alice", "o", "年假有几天"));
            assertThat(off.chat(ChatRequest.of("alice", "o", "这个工资照发吗")).intent()).isEqualTo("salary");
            assertThat(off.chat(ChatRequest.of("alice", "o", "那它一般多久")).isFallback()).isTrue();
        }
    }

    @Test
    void primaryReadsTheJoinedTextAndComposedAsksTheClassifierForItsFollowUpReading() {
        for (ContextReading reading : List.of(ContextReading.PRIMARY, ContextReading.COMPOSED)) {
            RecordingClassifier recording = new RecordingClassifier(KeywordClassifier.forTinyKb(), true, true);
            try (DialogEngine e = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                    .primaryClassifier(recording).contextReading(reading).build()) {
                e.chat(ChatRequest.of("alice", "r", "面试有几轮"));
                Reply reply = e.chat(ChatRequest.of("alice", "r", "那它一般多久"));

                assertThat(reply.intent()).as(reading.name()).isEqualTo("interview_process");
                assertThat(reply.source()).isEqualTo(Source.CONTEXT);
                if (reading == ContextReading.COMPOSED) {
                    assertThat(recording.followUps).singleElement().satisfies(f -> {
                        assertThat(f.text()).isEqualTo("那它一般多久");
                        assertThat(f.lastQuestion()).isEqualTo("面试有几轮");
                        assertThat(f.previousIntent()).isEqualTo("interview_process");
                    });
                    assertThat(recording.read).extracting(ClassifierInput::text).containsExactly("面试有几轮", "那它一般多久");
                } else {
                    assertThat(recording.followUps).isEmpty();
                    assertThat(recording.read).extracting(ClassifierInput::text)
                            .containsExactly("面试有几轮", "那它一般多久", "那它一般多久 面试有几轮");
                }
            }
        }
    }

    @Test
    void byDefaultTheClassifierIsAskedForItsFollowUpReadingWithoutASecondRead() {
        RecordingClassifier recording = new RecordingClassifier(KeywordClassifier.forTinyKb(), true, true);
        try (DialogEngine e = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(recording).build()) {
            e.chat(ChatRequest.of("alice", "d", "面试有几轮"));
            Reply reply = e.chat(ChatRequest.of("alice", "d", "那它一般多久"));

            assertThat(reply.intent()).isEqualTo("interview_process");
            assertThat(recording.followUps).singleElement()
                    .satisfies(f -> assertThat(f.lastQuestion()).isEqualTo("面试有几轮"));
            assertThat(recording.read).extracting(ClassifierInput::text).containsExactly("面试有几轮", "那它一般多久");
        }
    }

    @Test
    void slotOnlyTurnWithoutHistoryIsNotAFollowUp() {
        Reply reply = chat("s5", "实习呢");
        assertThat(reply.isFallback()).isTrue();
    }

    @Test
    void hostAttributesFillSlotsTheUserHasNotNamed() {
        Reply reply = engine.chat(ChatRequest.of("alice", "s6", "面试有几轮").withAttributes(Map.of("track", "intern")));
        assertThat(reply.slots()).containsEntry("track", "intern");
        Reply said = engine.chat(ChatRequest.of("alice", "s6", "校招面试呢").withAttributes(Map.of("track", "intern")));
        assertThat(said.slots()).containsEntry("track", "campus");
    }

    @Test
    void aClarificationChoiceAnswersTheChosenIntent() {
        Reply reply = engine.chat(ChatRequest.of("alice", "s7", "随便问问").withChoice("salary"));
        assertThat(reply.intent()).isEqualTo("salary");
        assertThat(reply.source()).isEqualTo(Source.CHOICE);
    }

    @Test
    void sessionsAreIndependent() {
        chat("a", "校招面试几轮");
        assertThat(chat("b", "工资多少").slots()).doesNotContainKey("track");
    }

    @Test
    void theSameQuestionAgainIsAnsweredFromTheCache() {
        assertThat(chat("c1", "工资多少").source()).isEqualTo(Source.RULES);
        assertThat(chat("c2", "工资多少").source()).isEqualTo(Source.CACHE);
    }

    @Test
    void metricsCountTurnsBySourceAndFallbacksByReason() {
        chat("m", "年假有几天");
        chat("m", "那病假呢");
        chat("m", "天气");
        assertThat(engine.metrics().turns()).isEqualTo(3);
        assertThat(engine.metrics().turns(Source.CONTEXT)).isEqualTo(1);
        assertThat(engine.metrics().fallbacks(FallbackReason.OUT_OF_SCOPE)).isEqualTo(1);
        assertThat(engine.metrics().latencyMillis(99)).isPositive();
    }
}
