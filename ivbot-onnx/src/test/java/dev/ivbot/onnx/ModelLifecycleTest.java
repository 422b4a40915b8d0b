package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.internal.Encoder;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.testkit.KbFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model following KB edits, with the real encoders: retraining in the background, coalescing,
 * the gate, intents added and removed, and no leaked ONNX sessions over many swaps. One first
 * version is trained for the class; each test serves a copy of it.
 */
class ModelLifecycleTest {

    static KnowledgeBase kb;
    static Path trained;
    static TrainingReport first;
    Path repo;
    @TempDir
    Path scratch;
    final List<ModelEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void trainFirstVersion() throws IOException {
        kb = KnowledgeBase.load(RealModelTest.KB_DIR);
        trained = Files.createTempDirectory("ivbot-lifecycle-trained");
        first = ModelTrainer.builder().build().train(kb, trained);
    }

    @AfterAll
    static void deleteFirstVersion() throws IOException {
        RealModelTest.delete(trained);
    }

    @BeforeEach
    void copyRepository() throws IOException {
        repo = Files.createTempDirectory("ivbot-lifecycle-repo");
        RealModelTest.copy(first.directory(), repo.resolve("intent/1"));
    }

    @AfterEach
    void deleteRepository() throws IOException {
        RealModelTest.delete(repo);
    }

    ModelLifecycle lifecycle() {
        return ModelLifecycle.builder()
                .classifier(OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb).watch(false)
                        .pollInterval(Duration.ZERO).listener(events::add))
                .trainIfMissing(false)
                .build();
    }

    /** A copy of the demo KB to edit as an operator would. */
    KbFolder folder(String name) {
        return KbFolder.copy(RealModelTest.KB_DIR, scratch.resolve(name));
    }

    static ModelEvent await(CompletableFuture<ModelEvent> f) throws Exception {
        return f.get(3, TimeUnit.MINUTES);
    }

    @Test
    void anExampleEditTrainsInTheBackgroundAndEditsArrivingMeanwhileAreCoalescedLatestWins() throws Exception {
        try (ModelLifecycle model = lifecycle()) {
            OnnxIntentClassifier onnx = model.classifier();
            assertThat(onnx.servingTrainingFingerprint()).contains(ModelTrainer.trainingFingerprint(kb));

            // an answer edit: nothing to train
            KbFolder answers = folder("answers");
            answers.replace("intents/leave_and_time.yaml", "示例科技实行弹性工作制", "示例科技实行弹性工作时间制");
            KnowledgeBase answerEdit = KnowledgeBase.load(answers.root());
            assertThat(answerEdit.fingerprint()).isNotEqualTo(kb.fingerprint());
            ModelEvent answerOnly = await(model.retrain(answerEdit));
            assertThat(answerOnly.type()).isEqualTo(ModelEvent.Type.UNCHANGED);
            assertThat(model.training()).isFalse();

            KnowledgeBase one = KnowledgeBase.load(folder("one").addExample("leave_policy", "zh", "今年的年休假一共能休多少天").root());
            KnowledgeBase two = KnowledgeBase.load(folder("two").addExample("leave_policy", "zh", "年休假天数怎么算的").root());
            KnowledgeBase three = KnowledgeBase.load(folder("three").addExample("salary_structure", "zh", "月薪包含哪些部分").root());
            CompletableFuture<ModelEvent> f1 = model.retrain(one);
            while (!model.training()) {
                Thread.onSpinWait(); // the training thread has taken "one": later edits wait behind it
            }
            CompletableFuture<ModelEvent> f2 = model.retrain(two);
            CompletableFuture<ModelEvent> f3 = model.retrain(three);
            assertThat(f3).as("two and three waited together: three wins").isSameAs(f2);
            assertThat(onnx.servingVersion()).as("the old version serves while training").isEqualTo("1");

            ModelEvent e1 = await(f1);
            ModelEvent e3 = await(f3);
            assertThat(e1.type()).isEqualTo(ModelEvent.Type.LOADED);
            assertThat(e3.type()).isEqualTo(ModelEvent.Type.LOADED);
            assertThat(e3.version()).isEqualTo("3");
            assertThat(ModelRepository.versions(repo, "intent")).extracting(p -> p.getFileName().toString())
                    .as("two trainings, not three").containsExactly("1", "2", "3");
            assertThat(onnx.servingVersion()).isEqualTo("3");
            assertThat(onnx.servingTrainingFingerprint()).contains(ModelTrainer.trainingFingerprint(three));
            ClassifierStatus status = model.model().status();
            assertThat(status.serving()).isTrue();
            assertThat(status.training()).isFalse();
            assertThat(status.trainedOnFingerprint()).isEqualTo(three.fingerprint());
            assertThat(events).extracting(ModelEvent::type).containsExactly(ModelEvent.Type.LOADED,
                    ModelEvent.Type.LOADED, ModelEvent.Type.LOADED);
        }
    }

    @Test
    void aTrainingAndAnEmbeddingBesideTurnsGiveWayToThemAndStillFinish() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        ModelTrainer trainer = ModelTrainer.builder().progress(new java.io.PrintStream(log, true,
                java.nio.charset.StandardCharsets.UTF_8)).intraOpThreads(1).build();
        try (ModelLifecycle model = ModelLifecycle.builder()
                .classifier(OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb).watch(false)
                        .pollInterval(Duration.ZERO).listener(events::add))
                .trainer(trainer).trainIfMissing(false).build()) {
            OnnxIntentClassifier onnx = model.classifier();

            // an operator mines the review queue while a user asks again as soon as answered
            List<String> queued = new ArrayList<>();
            kb.intents().values().forEach(i -> queued.addAll(i.examplesZh()));
            Thread user = busyUser(onnx, 300);
            try {
                assertThat(onnx.embed(queued, dev.ivbot.Language.ZH).length).isEqualTo(queued.size());
            } finally {
                user.join();
            }
            assertThat(onnx.pausedForTurnsNanos()).as("the embedding waited for turns").isPositive();

            // then edits an example: the retrain beside the same kind of user
            user = busyUser(onnx, 300);
            try {
                KnowledgeBase edited = KnowledgeBase.load(folder("edited").addExample("leave_policy", "zh", "年休假到底能休几天").root());
                ModelEvent loaded = await(model.retrain(edited));
                assertThat(loaded.type()).isEqualTo(ModelEvent.Type.LOADED);
            } finally {
                user.join();
            }
            assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).as("the trainer's progress")
                    .containsPattern("gave way to turns for [0-9.]+ s");
            assertThat(onnx.servingVersion()).isEqualTo("2");
        }
    }

    /** A started thread that asks {@code turns} times, each as soon as the last is answered: a turn always waits. */
    private static Thread busyUser(OnnxIntentClassifier onnx, int turns) {
        Thread user = new Thread(() -> {
            for (int i = 0; i < turns; i++) {
                onnx.classify(new dev.ivbot.spi.ClassifierInput("年假有几天", "年假有几天", dev.ivbot.Language.ZH));
            }
        }, "busy-user");
        user.start();
        return user;
    }

    @Test
    void aVersionTheGateRefusesChangesNothingAndIsNotTrainedAgain() throws Exception {
        // intents relabelled pairwise: the model learns the wrong labels
        KbFolder swapped = folder("swapped");
        List<String> ids = new ArrayList<>(kb.intents().keySet());
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            swapped.swapIds(ids.get(i), ids.get(i + 1));
        }
        KnowledgeBase bad = KnowledgeBase.load(swapped.root());
        try (ModelLifecycle model = lifecycle()) {
            ModelEvent refused = await(model.retrain(bad));
            assertThat(refused.type()).isEqualTo(ModelEvent.Type.REFUSED);
            assertThat(refused.reason()).startsWith("gate: macro-F1");
            assertThat(model.classifier().servingVersion()).isEqualTo("1");
            assertThat(model.model().status().lastRefusal()).contains("version 2").contains("gate: macro-F1");
            assertThat(repo.resolve("intent/.refused-2")).as("parked, never served after a restart").isDirectory();
            assertThat(ModelRepository.versions(repo, "intent")).hasSize(1);

            ModelEvent again = await(model.retrain(bad));
            assertThat(again.type()).isEqualTo(ModelEvent.Type.UNCHANGED);
            assertThat(again.reason()).contains("refused");
        }
    }

    @Test
    void aNewIntentIsAnsweredByTheRulesUntilTheModelKnowsItAndARemovedOneNeverIs() throws Exception {
        Intent removed = kb.intents().get("promotion");
        KbFolder edit = folder("gym").removeIntent("promotion").appendIntent("pay_and_benefits.yaml", """
                  - id: gym_membership
                    title: {zh: 健身福利, en: Gym membership}
                    slots: []
                    examples:
                      zh: [公司有健身房会员卡吗, 健身卡报销吗, 可以办健身房年卡吗, 健身补贴有多少, 公司附近的健身房有优惠吗]
                      en: [is there a gym membership, does the company pay for the gym, gym discount for employees,
                           can I expense my gym card, is there a gym subsidy]
                    answers:
                      - zh: 员工可免费使用园区健身房，另有每月200元健身补贴。
                        en: The campus gym is free for employees, plus a gym allowance of 200 a month.
                """);
        KnowledgeBase next = KnowledgeBase.load(edit.root());
        assertThat(next.intents()).containsKey("gym_membership").doesNotContainKey("promotion");
        String promotionQuestion = removed.examplesZh().get(0);
        try (ModelLifecycle model = lifecycle();
                DialogEngine engine = DialogEngine.builder().knowledgeBase(kb).primaryClassifier(model.hybrid(RuleClassifier.factory()))
                        .secondaryClassifier(RuleClassifier.factory()).classificationCacheSize(0)
                        .classifierDeadline(Duration.ofSeconds(5)).build()) {
            assertThat(engine.chat(ChatRequest.of("u", "s0", promotionQuestion)).intent()).isEqualTo("promotion");
            engine.reloadKnowledgeBase(next); // starts training in the background
            CompletableFuture<ModelEvent> retrained = model.retrain(next);
            Reply gym = engine.chat(ChatRequest.of("u", "s1", "公司有健身房会员卡吗"));
            Reply promotion = engine.chat(ChatRequest.of("u", "s2", promotionQuestion));
            boolean stillOld = model.classifier().servingVersion().equals("1");
            assertThat(stillOld).as("asked before the new version could be trained").isTrue();
            assertThat(model.classifier().knownIntents().orElseThrow()).doesNotContain("gym_membership");
            assertThat(gym.intent()).isEqualTo("gym_membership");
            assertThat(gym.degraded()).isFalse();
            assertThat(promotion.intent()).isNotEqualTo("promotion");

            assertThat(await(retrained).type()).isEqualTo(ModelEvent.Type.LOADED);
            assertThat(model.classifier().knownIntents().orElseThrow()).contains("gym_membership")
                    .doesNotContain("promotion");
            assertThat(engine.chat(ChatRequest.of("u", "s3", "健身卡可以报销吗")).intent()).isEqualTo("gym_membership");
            assertThat(engine.chat(ChatRequest.of("u", "s4", promotionQuestion)).intent()).isNotEqualTo("promotion");
        }
    }

    @Test
    void twentySwapsLeaveNoMoreOnnxSessionsOpenThanOne() throws Exception {
        int before = Encoder.openSessions();
        List<LabeledText> gate = List.of(new LabeledText("年假有几天", "leave_policy", dev.ivbot.Language.ZH),
                new LabeledText("how many days of annual leave", "leave_policy", dev.ivbot.Language.EN));
        try (OnnxIntentClassifier c = OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb).watch(false)
                .pollInterval(Duration.ZERO).gateSet(gate).build()) {
            RealModelTest.copy(first.directory(), repo.resolve("intent/2"));
            assertThat(c.reload().type()).isEqualTo(ModelEvent.Type.LOADED);
            int afterOne = Encoder.openSessions();
            long rssAfterOne = residentKilobytes();
            for (int v = 3; v <= 21; v++) {
                RealModelTest.copy(first.directory(), repo.resolve("intent/" + v));
                assertThat(c.reload().type()).isEqualTo(ModelEvent.Type.LOADED);
            }
            assertThat(c.servingVersion()).isEqualTo("21");
            assertThat(Encoder.openSessions()).isEqualTo(afterOne);
            long outsideAfterOne = outsideHeapKilobytes(rssAfterOne);
            long rssAfterTwenty = residentKilobytes();
            System.out.printf("ONNX sessions open after 1 swap: %d, after 20: %d; RSS %d kB after 1, %d kB after 20; "
                    + "RSS less the committed Java heap: %d kB after 1, %d kB after 20%n",
                    afterOne - before, Encoder.openSessions() - before, rssAfterOne, rssAfterTwenty, outsideAfterOne,
                    outsideHeapKilobytes(rssAfterTwenty));
        }
        assertThat(Encoder.openSessions()).isEqualTo(before);
    }

    /** {@code rss} less the Java heap committed now: the native side (ONNX Runtime, tokenizers) and the JVM's own. */
    static long outsideHeapKilobytes(long rss) {
        return rss - Runtime.getRuntime().totalMemory() / 1024;
    }

    /** VmRSS of this JVM after a GC, for the record (not asserted: the heap and the allocator vary). */
    static long residentKilobytes() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
