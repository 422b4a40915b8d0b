package dev.ivbot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.Source;
import dev.ivbot.internal.DialogPolicy.Context;
import dev.ivbot.internal.DialogPolicy.Decision;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionState.TurnRecord;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Dialog situations (session state + readings) and the policy's verdict, one row each. */
class DialogPolicyTableTest {

    private static final KnowledgeBase KB = TestKnowledgeBases.tiny();
    private static final String LEAVE = TestKnowledgeBases.LEAVE;
    private static final String INTERVIEW = TestKnowledgeBases.INTERVIEW;
    private static final String SALARY = TestKnowledgeBases.SALARY;
    private static final Context ON_LEAVE = new Context(LEAVE, "年假有几天", Map.of("leave_type", "annual"));

    /** A ranking "intent:score intent:score"; empty for nothing recognised. */
    private static Classification reads(String ranking) {
        List<ScoredIntent> ranked = new ArrayList<>();
        for (String part : ranking.split(" ")) {
            if (!part.isEmpty()) {
                String[] p = part.split(":");
                ranked.add(new ScoredIntent(p[0], Double.parseDouble(p[1])));
            }
        }
        return new Classification(ranked, "t");
    }

    private static Decision standalone(String ranking) {
        return DialogPolicy.standalone(KB, reads(ranking), Source.RULES, false, Language.ZH);
    }

    static Stream<Arguments> situations() {
        return Stream.of(
                // name, context, text, alone, in context (null: not taken), expected intent (null: fallback), source
                Arguments.of("pronoun for the topic, read alone as another intent", ON_LEAVE, "这个期间工资照常发吗",
                        "salary:0.94 leave_policy:0.05", "leave_policy:1.0", LEAVE, Source.CONTEXT),
                Arguments.of("content-word sub-question, read alone as another intent", ON_LEAVE, "可以分几次休完吗",
                        "salary:0.80", "leave_policy:0.99", LEAVE, Source.CONTEXT),
                Arguments.of("English pronoun, nothing recognised alone", ON_LEAVE, "is that fully paid?",
                        "", "leave_policy:0.99", LEAVE, Source.CONTEXT),
                Arguments.of("out of scope, no pronoun: the topic question does not make it a follow-up", ON_LEAVE,
                        "你是chatgpt吗", "salary:0.01", "leave_policy:0.99", null, Source.FALLBACK),
                Arguments.of("real topic switch, sure alone", ON_LEAVE, "校招面试几轮",
                        "interview_process:0.999", "leave_policy:0.9", INTERVIEW, Source.RULES),
                Arguments.of("switch that the context reading also sees as the new topic", ON_LEAVE, "工资怎么构成",
                        "salary:0.8", "salary:0.95", SALARY, Source.RULES),
                Arguments.of("capped scores: alone as sure as in context is a switch", ON_LEAVE, "工资多少",
                        "salary:0.9", "leave_policy:0.9", SALARY, Source.RULES),
                Arguments.of("capped scores with a pronoun for the topic: stays", ON_LEAVE, "这个工资照发吗",
                        "salary:0.9", "leave_policy:0.9", LEAVE, Source.CONTEXT),
                Arguments.of("sure alone, but a pronoun for the topic: stays", ON_LEAVE, "那它需要提前多久报备",
                        "salary:0.999", "leave_policy:0.99", LEAVE, Source.CONTEXT),
                Arguments.of("already the topic alone", ON_LEAVE, "年假能攒吗",
                        "leave_policy:0.97", "leave_policy:1.0", LEAVE, Source.RULES),
                Arguments.of("ambiguous alone with a pronoun: the topic settles it", ON_LEAVE, "那这个怎么申请",
                        "salary:0.5 interview_process:0.45", "leave_policy:0.98", LEAVE, Source.CONTEXT),
                Arguments.of("no topic yet: the stand-alone verdict", Context.NONE, "这个怎么申请",
                        "salary:0.7", null, SALARY, Source.RULES),
                Arguments.of("no context reading (it failed), no pronoun: the stand-alone verdict", ON_LEAVE,
                        "怎么申请", "salary:0.7", null, SALARY, Source.RULES),
                Arguments.of("no context reading (it failed), a pronoun, unsure alone: stays", ON_LEAVE,
                        "这个怎么申请", "salary:0.7", null, LEAVE, Source.CONTEXT),
                Arguments.of("a pronoun, unsure alone, a reader of few examples reads the pair as another intent:"
                        + " stays", ON_LEAVE, "这个怎么申请", "salary:0.7", "salary:0.6", LEAVE, Source.CONTEXT),
                Arguments.of("a pronoun, unsure alone and unsure in context: stays", ON_LEAVE, "那这个谁出钱",
                        "salary:0.3", "salary:0.3", LEAVE, Source.CONTEXT),
                Arguments.of("a pronoun, sure alone of another intent, not the topic in context: switches", ON_LEAVE,
                        "那它的面试有几轮", "interview_process:0.95", "interview_process:0.9", INTERVIEW, Source.RULES),
                Arguments.of("a pronoun, out of scope alone, not the topic in context: fallback", ON_LEAVE,
                        "will it rain tomorrow", "", "salary:0.6", null, Source.FALLBACK),
                Arguments.of("low confidence everywhere, no pronoun: fallback", ON_LEAVE, "嗯嗯",
                        "salary:0.2", "salary:0.3", null, Source.FALLBACK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void decides(String name, Context context, String text, String alone, @Nullable String inContext,
            @Nullable String intent, Source source) {
        Decision standalone = standalone(alone);
        Decision context_ = inContext == null ? null
                : DialogPolicy.standalone(KB, reads(inContext), Source.CONTEXT, false, Language.ZH);
        Decision d = DialogPolicy.resolve(context, standalone, context_, text, false);
        assertThat(d.intent()).as(name).isEqualTo(intent);
        assertThat(d.source()).as(name).isEqualTo(source);
    }

    static Stream<Arguments> modelReadings() {
        return Stream.of(
                // name, text, alone (the model's probabilities), in context, whether the scores are the model's,
                // expected intent (null: fallback)
                Arguments.of("vague sub-question the model reads as about the KB: stays", "需要谁同意",
                        "salary:0.06", "leave_policy:0.99", true, LEAVE),
                Arguments.of("at the floor: stays", "比例高吗", "salary:" + DialogPolicy.IN_SCOPE_FLOOR,
                        "leave_policy:0.99", true, LEAVE),
                Arguments.of("ambiguous alone, the topic in context: stays", "有补充医疗吗",
                        "salary:0.55 interview_process:0.5", "leave_policy:0.99", true, LEAVE),
                Arguments.of("out of scope: the model leaves its best intent a sliver", "你是chatgpt吗",
                        "salary:0.0127", "leave_policy:0.99", true, null),
                Arguments.of("the same scores from a rule classifier say nothing of scope: fallback", "需要谁同意",
                        "salary:0.06", "leave_policy:0.99", false, null),
                Arguments.of("vague, but the context reading names another intent: fallback", "需要谁同意",
                        "salary:0.06", "interview_process:0.99", true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelReadings")
    void aVagueQuestionTheModelReadsAsInScopeContinuesTheTopic(String name, String text, String alone,
            String inContext, boolean modelScores, @Nullable String intent) {
        Decision d = DialogPolicy.resolve(ON_LEAVE, standalone(alone),
                DialogPolicy.standalone(KB, reads(inContext), Source.CONTEXT, false, Language.ZH), text, modelScores);
        assertThat(d.intent()).as(name).isEqualTo(intent);
        assertThat(d.source()).as(name).isEqualTo(intent == null ? Source.FALLBACK : Source.CONTEXT);
    }

    static Stream<Arguments> whenToReadInContext() {
        return Stream.of(
                Arguments.of("sure switch without a pronoun: no second reading", ON_LEAVE, "校招面试几轮",
                        "interview_process:0.999", false),
                Arguments.of("sure reading with a pronoun: read in context", ON_LEAVE, "那它需要提前多久报备",
                        "salary:0.999", true),
                Arguments.of("unsure reading: read in context", ON_LEAVE, "需要刷题吗", "salary:0.7", true),
                Arguments.of("nothing recognised: read in context", ON_LEAVE, "比例高吗", "", true),
                Arguments.of("already the topic: nothing to weigh", ON_LEAVE, "那它呢", "leave_policy:0.6", false),
                Arguments.of("no topic: nothing to weigh", Context.NONE, "那它呢", "salary:0.6", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whenToReadInContext")
    void readsInContextOnlyWhenItCanChangeTheVerdict(String name, Context context, String text, String alone,
            boolean expected) {
        assertThat(DialogPolicy.needsContextReading(context, standalone(alone), text, Set.of())).as(name).isEqualTo(expected);
    }

    /** A stand-alone reading of {@code intent} at {@code confidence} whose model was {@code logOdds} nats sure of it. */
    private static Decision read(String intent, double confidence, double logOdds, Source source) {
        return new Decision(intent, confidence, source, null, List.of(), false,
                new Classification.Margin(intent, logOdds));
    }

    static Stream<Arguments> modelMargins() {
        Decision topicInContext = read(LEAVE, 0.95, 5, Source.CONTEXT);
        return Stream.of(
                // name, text, alone, in context, expected intent
                Arguments.of("the model far surer of the turn alone than of the topic in context: a switch", "工资怎么构成",
                        read(SALARY, 0.7, 40, Source.MODEL), topicInContext, SALARY),
                Arguments.of("surer alone, but by no more than SURER_ALONE: the context reading decides", "工资怎么构成",
                        read(SALARY, 0.7, 5 + DialogPolicy.SURER_ALONE, Source.MODEL), topicInContext, LEAVE),
                Arguments.of("a sub-question the model reads less surely alone than the topic in context",
                        "可以分几次休完吗", read(SALARY, 0.7, 8, Source.MODEL), read(LEAVE, 0.95, 30, Source.CONTEXT), LEAVE),
                Arguments.of("no margins (the rules): the scores decide, as before", "工资怎么构成",
                        new Decision(SALARY, 0.7, Source.RULES, null, List.of(), false),
                        new Decision(LEAVE, 0.95, Source.CONTEXT, null, List.of(), false), LEAVE),
                Arguments.of("the model's margin is for another intent than the verdict: not weighed", "工资怎么构成",
                        new Decision(SALARY, 0.7, Source.MODEL, null, List.of(), false,
                                new Classification.Margin(INTERVIEW, 40)), topicInContext, LEAVE),
                Arguments.of("a pronoun for the topic keeps it, however sure the model is alone", "这个工资照发吗",
                        read(SALARY, 0.7, 60, Source.MODEL), read(LEAVE, 0.95, 1, Source.CONTEXT), LEAVE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelMargins")
    void aTurnTheModelIsFarSurerOfAloneSwitches(String name, String text, Decision alone, Decision inContext,
            String intent) {
        assertThat(DialogPolicy.resolve(ON_LEAVE, alone, inContext, text, true).intent()).as(name).isEqualTo(intent);
    }

    @org.junit.jupiter.api.Test
    void theStandAloneVerdictCarriesTheReadingsMargin() {
        Classification.Margin margin = new Classification.Margin(SALARY, 33);
        Classification c = new Classification(List.of(new ScoredIntent(SALARY, 0.8)), "t", margin);
        assertThat(DialogPolicy.standalone(KB, c, Source.MODEL, false, Language.ZH).margin()).isEqualTo(margin);
        assertThat(standalone("salary:0.8").margin()).isNull();
    }

    static Stream<Arguments> closings() {
        return Stream.of(
                // name, text, stand-alone intent (null: fallback), its confidence, read in context?
                Arguments.of("a goodbye opened by 那, read alone as the closing", "那没别的了,拜拜", "closing", 0.99, false),
                Arguments.of("thanks with 'that', read alone as the closing", "that helps, thanks", "closing", 0.8, false),
                Arguments.of("read as the closing without a word of thanks: a closing all the same", "ok great",
                        "closing", 0.8, false),
                Arguments.of("a word of thanks, read alone as another intent: weighed as before", "谢谢,那病假工资怎么算",
                        SALARY, 0.7, true),
                Arguments.of("a word of thanks, nothing recognised alone: weighed as before", "谢谢,还有个问题", null, 0.3,
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closings")
    void aClosingReadAloneIsNotWeighedAgainstTheTopic(String name, String text, @Nullable String intent,
            double confidence, boolean expected) {
        Decision alone = intent == null
                ? new Decision(null, confidence, Source.FALLBACK, dev.ivbot.FallbackReason.LOW_CONFIDENCE, List.of(), false)
                : new Decision(intent, confidence, Source.MODEL, null, List.of(), false);
        assertThat(DialogPolicy.needsContextReading(ON_LEAVE, alone, text, Set.of("closing"))).as(name)
                .isEqualTo(expected);
    }

    static Stream<Arguments> slotFollowUps() {
        TurnRecord leave = new TurnRecord(1, LEAVE, "年假有几天");
        TurnRecord interview = new TurnRecord(1, INTERVIEW, "面试几轮");
        TurnRecord oos = new TurnRecord(2, null, "你是chatgpt吗");
        TurnRecord salary = new TurnRecord(3, SALARY, "你是谁");
        return Stream.of(
                Arguments.of("the topic takes the slot", LEAVE, List.of(leave), Map.of("leave_type", "sick"), LEAVE),
                Arguments.of("a slot-less turn in between (a misread) does not capture the follow-up", SALARY,
                        List.of(interview, oos, salary), Map.of("track", "intern"), INTERVIEW),
                Arguments.of("nothing earlier takes the slot: the topic, as before", SALARY, List.of(salary),
                        Map.of("track", "intern"), SALARY),
                Arguments.of("no topic: not a follow-up", null, List.of(), Map.of("track", "intern"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slotFollowUps")
    void slotOnlyFollowUpAttachesToTheTopicThatTakesTheSlot(String name, @Nullable String topic,
            List<TurnRecord> recent, Map<String, String> named, @Nullable String expected) {
        Context context = new Context(topic, topic == null ? null : "q", Map.of());
        assertThat(DialogPolicy.slotFollowUp(context, recent, named, KB)).as(name).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void theTopicQuestionIsTheFirstOfTheLatestTurnsOnTheTopicSkippingFallbacks() {
        SessionState state = new SessionState("s", "u", 4, 4, LEAVE, "zh", Map.of("leave_type", "sick"),
                List.of(new TurnRecord(1, SALARY, "工资多少"), new TurnRecord(2, LEAVE, "年假有几天"),
                        new TurnRecord(3, null, "你是chatgpt吗"), new TurnRecord(4, LEAVE, "那病假呢")), 0, 0);
        Context c = Context.of(state, KB);
        assertThat(c.topic()).isEqualTo(LEAVE);
        assertThat(c.topicQuestion()).isEqualTo("年假有几天");
        assertThat(c.slots()).containsEntry("leave_type", "sick");
        assertThat(Context.of(SessionState.empty("s", "u", 0), KB).topic()).isNull();
    }

    @org.junit.jupiter.api.Test
    void anaphoraInBothLanguages() {
        assertThat(DialogPolicy.anaphoric("那这个谁出钱")).isTrue();
        assertThat(DialogPolicy.anaphoric("is it paid in full?")).isTrue();
        assertThat(DialogPolicy.anaphoric("does that need approval")).isTrue();
        assertThat(DialogPolicy.anaphoric("校招面试几轮")).isFalse();
        assertThat(DialogPolicy.anaphoric("what's the capital of peru")).isFalse();
        assertThat(DialogPolicy.anaphoric("itinerary for the visit")).isFalse();
        assertThat(DialogPolicy.anaphoric("这期间工资照发吗")).isTrue();
        assertThat(DialogPolicy.anaphoric("其中笔试占多少")).isTrue();
        assertThat(DialogPolicy.anaphoric("is the pay the same for interns")).isTrue();
        assertThat(DialogPolicy.anaphoric("it's fine")).isFalse();
        assertThat(DialogPolicy.anaphoric("hmm 'that")).isFalse();
        assertThat(DialogPolicy.anaphoric("thematic interviews")).isFalse();
        assertThat(DialogPolicy.anaphoric("那要多久")).isTrue();
        assertThat(DialogPolicy.anaphoric("要多久那")).isFalse();
    }

    /** The words as one regular expression, as the policy matched them before: the oracle for its one-pass matcher. */
    private static final java.util.regex.Pattern ANAPHORA_REGEX = java.util.regex.Pattern.compile(
            "这个|那个|这些|那些|这样|这期间|这里面|它|其中|该|^那|^这"
            + "|(?<![a-z'])(it|its|that|this|they|them|those|these|the same)(?![a-z'])");

    @org.junit.jupiter.api.Test
    void anaphoraAsTheRegularExpressionFoundItOnEveryDevTurn() throws java.io.IOException {
        int checked = 0;
        for (String file : List.of("../eval/dialogs-dev.jsonl", "../eval/dev.jsonl")) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(file))) {
                for (java.util.regex.MatchResult m : java.util.regex.Pattern.compile("\"text\": \"([^\"]*)\"")
                        .matcher(line).results().toList()) {
                    String text = dev.ivbot.internal.text.TextNormalizer.normalize(m.group(1));
                    assertThat(DialogPolicy.anaphoric(text)).as(text).isEqualTo(ANAPHORA_REGEX.matcher(text).find());
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(900);
    }
}
