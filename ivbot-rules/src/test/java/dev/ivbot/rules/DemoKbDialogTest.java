package dev.ivbot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The taxonomy's follow-up dialogs, through the rule classifier and the demo KB. */
class DemoKbDialogTest {

    static final Path DEMO_KB = Path.of("..", "examples", "hr-demo-kb");
    private static DialogEngine engine;

    @BeforeAll
    static void start() {
        engine = DialogEngine.builder().knowledgeBase(KnowledgeBase.load(DEMO_KB))
                .primaryClassifier(RuleClassifier.factory()).build();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static void expect(String session, String text, String intent, Map<String, String> slots) {
        Reply reply = engine.chat(ChatRequest.of("candidate", session, text));
        assertThat(reply.intent()).as("intent of '%s'", text).isEqualTo(intent);
        assertThat(reply.slots()).as("slots after '%s'", text).containsAllEntriesOf(slots);
        assertThat(reply.language()).isEqualTo(Language.detect(text));
    }

    @Test
    void leaveFollowUpsInChinese() {
        expect("zh-leave", "年假有几天？", "leave_policy", Map.of("leave_type", "annual"));
        expect("zh-leave", "那病假呢？", "leave_policy", Map.of("leave_type", "sick"));
        expect("zh-leave", "实习生也一样吗？", "leave_policy", Map.of("leave_type", "sick", "track", "intern"));
    }

    @Test
    void interviewThenTopicSwitchKeepsTheTrack() {
        expect("zh-track", "校招面试有几轮?", "interview_process", Map.of("track", "campus"));
        expect("zh-track", "社招呢", "interview_process", Map.of("track", "experienced"));
        expect("zh-track", "试用期多久", "probation", Map.of("track", "experienced"));
    }

    @Test
    void leaveFollowUpsInEnglish() {
        expect("en-leave", "How many days of annual leave do I get?", "leave_policy", Map.of("leave_type", "annual"));
        expect("en-leave", "And sick leave?", "leave_policy", Map.of("leave_type", "sick"));
        Reply reply = engine.chat(ChatRequest.of("candidate", "en-leave", "what about interns?"));
        assertThat(reply.intent()).isEqualTo("leave_policy");
        assertThat(reply.slots()).containsEntry("track", "intern");
        assertThat(reply.text()).matches("[\\x00-\\x7F’–—]+");
    }

    @Test
    void aTrackNamedEarlyStillAppliesThreeTurnsLater() {
        expect("persist", "我是校招生，想问下面试有几轮", "interview_process", Map.of("track", "campus"));
        expect("persist", "工资怎么构成的", "salary_structure", Map.of("track", "campus"));
        expect("persist", "有住房补贴吗", "housing_support", Map.of("track", "campus"));
        Reply offer = engine.chat(ChatRequest.of("candidate", "persist", "offer里都包含什么"));
        assertThat(offer.intent()).isEqualTo("offer_details");
        assertThat(offer.slots()).containsEntry("track", "campus");
    }

    @Test
    void cityFollowUpForSocialInsurance() {
        expect("city", "上海公积金比例多少", "social_insurance", Map.of("city", "shanghai"));
        Reply beijing = engine.chat(ChatRequest.of("candidate", "city", "北京呢"));
        assertThat(beijing.intent()).isEqualTo("social_insurance");
        assertThat(beijing.source()).isEqualTo(Source.CONTEXT);
        assertThat(beijing.text()).contains("北京");
    }

    @Test
    void outOfScopeQuestionsGetTheFallback() {
        for (String text : new String[] {"明天天气怎么样", "what's the bitcoin price", "帮我写一个快速排序"}) {
            Reply reply = engine.chat(ChatRequest.of("candidate", "oos", text));
            assertThat(reply.isFallback()).as("'%s' answered %s", text, reply.intent()).isTrue();
        }
    }
}
