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

    // The four kinds of follow-up of issue 11, each with a control that the question alone reads otherwise.

    @Test
    void aPronounForTheTopicStaysOnIt() {
        expect("k1", "试用期要多久", "probation", Map.of());
        expect("k1", "这期间工资打折吗", "probation", Map.of());
        expect("k1-en", "how long is the probation period", "probation", Map.of());
        expect("k1-en", "is it paid in full?", "probation", Map.of());
        expect("k1-exam", "入职体检都查什么项目", "medical_exam", Map.of());
        expect("k1-exam", "那这个谁出钱", "medical_exam", Map.of());
    }

    @Test
    void aContentWordSubQuestionStaysOnTheTopic() {
        Reply alone = engine.chat(ChatRequest.of("candidate", "k2-alone", "社招也能申请吗"));
        assertThat(alone.intent()).isEqualTo("how_to_apply");
        expect("k2", "新员工能住宿舍吗", "housing_support", Map.of());
        Reply followUp = engine.chat(ChatRequest.of("candidate", "k2", "社招也能申请吗"));
        assertThat(followUp.intent()).isEqualTo("housing_support");
        assertThat(followUp.source()).isEqualTo(Source.CONTEXT);
        assertThat(followUp.slots()).containsEntry("track", "experienced");
    }

    @Test
    void anOutOfScopeTurnDoesNotTakeTheTopic() {
        expect("k3", "深圳的公积金比例是多少", "social_insurance", Map.of("city", "shenzhen"));
        Reply oos = engine.chat(ChatRequest.of("candidate", "k3", "你是chatgpt吗"));
        assertThat(oos.isFallback()).isTrue();
        expect("k3", "那成都的话", "social_insurance", Map.of("city", "chengdu"));
        expect("k3", "这个从入职当月开始吗", "social_insurance", Map.of("city", "chengdu"));
    }

    @Test
    void aRealTopicSwitchStillSwitches() {
        expect("k4", "今年的年休假我能有几天", "leave_policy", Map.of("leave_type", "annual"));
        expect("k4", "校招面试几轮", "interview_process", Map.of("track", "campus"));
        expect("k4", "每个月几号打工资", "payday", Map.of());
    }
}
