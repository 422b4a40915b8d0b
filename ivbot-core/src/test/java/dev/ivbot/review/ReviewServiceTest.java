package dev.ivbot.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.spi.ReviewReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mining and acting with a character-count embedder (the real encoder's clusters are measured in
 * ivbot-onnx's OperatorLoopScenarioTest): clusters by language, suggestions, and YAML edits that
 * keep the rest of the file as it was.
 */
class ReviewServiceTest {

    private static final String KB = """
            name: Review Test
            messages:
              fallback: {zh: "没懂", en: "Sorry?"}
              clarify: {zh: "哪个？{choices}", en: "Which? {choices}"}
              busy: {zh: "忙", en: "Busy"}
            """;
    private static final String INTENTS = """
            # Leave questions. This comment must survive.
            intents:
              - id: leave_policy
                title: {zh: 假期, en: Leave}
                examples:
                  zh:
                    - 年假有几天   # the first example
                    - 病假怎么请
                  # Chinese above, English below
                  en:
                    - how many vacation days
                answers:
                  - zh: 年假15天。
                    en: 15 days.
              - id: salary
                title: {zh: 薪资, en: Salary}
                examples:
                  zh: [工资多少]
                answers:
                  - zh: 面议。
                    en: Negotiable.
            """;

    /** Letters as dimensions: questions sharing characters are near. */
    private static final Embedder CHARS = (texts, language) -> {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            float[] v = new float[4096];
            texts.get(i).codePoints().forEach(c -> v[c % 4096] += 1);
            out[i] = v;
        }
        return out;
    };

    @TempDir
    Path dir;

    private Path kb() throws IOException {
        Files.writeString(dir.resolve("kb.yaml"), KB);
        Files.createDirectories(dir.resolve("intents"));
        Files.writeString(dir.resolve("intents/leave.yaml"), INTENTS);
        return dir;
    }

    private static ReviewItem q(String id, String text) {
        return new ReviewItem(id, text, Language.detect(text), "s", List.of(), null, ReviewReason.FALLBACK, "m", "kb",
                Instant.now());
    }

    private ReviewService service(ReviewQueue queue, AtomicReference<KnowledgeBase> changed) throws IOException {
        return ReviewService.builder().knowledgeBase(kb()).queue(queue).embedder(CHARS).distanceThreshold(0.5)
                .addThreshold(0.6).auditLog(dir.resolve("audit.jsonl")).onChange(changed::set).build();
    }

    @Test
    void similarQuestionsFormOneClusterPerLanguageWithRepresentatives() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        for (String t : List.of("体检在哪家医院", "体检在哪个医院做", "入职体检在哪家医院", "how many vacation days off",
                "how many vacation days left")) {
            queue.add(q("i" + queue.size(), t));
        }
        List<ReviewCluster> clusters = service(queue, new AtomicReference<>()).clusters();
        assertThat(clusters).hasSize(2);
        ReviewCluster zh = clusters.get(0);
        assertThat(zh.language()).isEqualTo(Language.ZH);
        assertThat(zh.size()).isEqualTo(3);
        assertThat(zh.representatives()).hasSize(3);
        assertThat(zh.suggestion()).isEqualTo(ReviewCluster.Suggestion.NEW_INTENT);
        ReviewCluster en = clusters.get(1);
        assertThat(en.suggestion()).isEqualTo(ReviewCluster.Suggestion.ADD_TO_INTENT);
        assertThat(en.nearestIntent()).isEqualTo("leave_policy");
    }

    @Test
    void addingExamplesInsertsAfterTheLastExampleAndKeepsComments() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        queue.add(q("a", "年假有几天"));   // already an example: not added twice
        queue.add(q("b", "年假还有几天"));
        queue.add(q("c", "年假: 有几天?"));
        AtomicReference<KnowledgeBase> changed = new AtomicReference<>();
        ReviewService review = service(queue, changed);
        ReviewCluster c = review.clusters().get(0);
        ReviewService.Action a = review.addExamples(c.id(), "leave_policy", "alice");
        assertThat(a.examplesAdded()).isEqualTo(2);
        String text = Files.readString(dir.resolve("intents/leave.yaml"));
        assertThat(text).isEqualTo(INTENTS.replace("        - 病假怎么请\n",
                "        - 病假怎么请\n        - 年假还有几天\n        - \"年假: 有几天?\"\n"));
        assertThat(changed.get().intent("leave_policy").orElseThrow().examplesZh())
                .contains("年假还有几天", "年假: 有几天?");
        assertThat(queue.items()).isEmpty();
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("\"actor\":\"alice\"", "add-examples");
    }

    @Test
    void aLanguageWithoutExamplesGetsItsList() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        queue.add(q("a", "what is the pay"));
        queue.add(q("b", "what is the salary pay"));
        ReviewService review = service(queue, new AtomicReference<>());
        review.addExamples(review.clusters().get(0).id(), "salary", "bob");
        KnowledgeBase kb = KnowledgeBase.load(dir);
        assertThat(kb.intent("salary").orElseThrow().examplesEn()).containsExactly("what is the pay", "what is the salary pay");
        assertThat(kb.intent("salary").orElseThrow().examplesZh()).containsExactly("工资多少");
    }

    @Test
    void aNewIntentIsAppendedToItsOwnFileAndLoads() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        queue.add(q("a", "体检在哪家医院"));
        queue.add(q("b", "体检在哪个医院做"));
        ReviewService review = service(queue, new AtomicReference<>());
        String id = review.clusters().get(0).id();
        review.createIntent(id, new NewIntent("medical_exam", "入职体检", "Medical exam", "在指定医院体检。",
                "At the listed hospitals."), "carol");
        KnowledgeBase kb = KnowledgeBase.load(dir);
        assertThat(kb.intent("medical_exam").orElseThrow().examplesZh()).containsExactly("体检在哪家医院", "体检在哪个医院做");
        assertThat(Files.readString(dir.resolve("intents/leave.yaml"))).isEqualTo(INTENTS);
        assertThatThrownBy(() -> review.dismiss(id, "carol")).isInstanceOf(ReviewException.class);
    }

    @Test
    void anEditThatBreaksTheKbIsUndone() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        queue.add(q("a", "体检在哪家医院"));
        queue.add(q("b", "体检在哪个医院做"));
        ReviewService review = service(queue, new AtomicReference<>());
        String id = review.clusters().get(0).id();
        // a flow list the appended block cannot continue: the edited KB does not load, the file is restored
        String broken = "# nothing reviewed yet\nintents: []\n";
        Files.writeString(dir.resolve("intents/reviewed.yaml"), broken);
        assertThatThrownBy(() -> review.createIntent(id, new NewIntent("medical_exam", "a", "b", "c", "d"), "dan"))
                .isInstanceOf(ReviewException.class).hasMessageContaining("nothing written");
        assertThat(queue.items()).hasSize(2);
        assertThat(Files.readString(dir.resolve("intents/reviewed.yaml"))).isEqualTo(broken);
    }

    @Test
    void dismissRemovesTheQuestionsOnly() throws IOException {
        ReviewQueue queue = ReviewQueue.inMemory();
        queue.add(q("a", "天气怎么样"));
        queue.add(q("b", "天气怎么样啊"));
        ReviewService review = service(queue, new AtomicReference<>());
        review.dismiss(review.clusters().get(0).id(), "erin");
        assertThat(queue.items()).isEmpty();
        assertThat(Files.readString(dir.resolve("intents/leave.yaml"))).isEqualTo(INTENTS);
    }
}
