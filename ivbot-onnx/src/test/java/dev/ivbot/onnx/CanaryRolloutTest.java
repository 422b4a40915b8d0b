package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.internal.HeadBundle;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canary rollout by user with real versions of the bge-small model: a good head trained on the
 * demo KB, a second good one trained again with another seed, and a worse one: the first with a
 * calibration biased towards "out of scope". The turns are the held-out
 * questions of {@code eval/}.
 */
class CanaryRolloutTest {
    static KnowledgeBase kb;
    static Path trained;
    static Path good;
    static Path goodAgain;
    static Path worse;
    static List<String> questions = new ArrayList<>();
    /** Added to the out-of-scope logit of the worse candidate. */
    static final double WRONG_OOS_BIAS = 15.0;

    Path repo;
    final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    final CountDownLatch promoted = new CountDownLatch(1);
    final CountDownLatch rolledBack = new CountDownLatch(1);

    private void onEvent(ModelEvent e) {
        events.add(e);
        if (e.type() == ModelEvent.Type.PROMOTED) {
            promoted.countDown();
        } else if (e.type() == ModelEvent.Type.ROLLED_BACK) {
            rolledBack.countDown();
        }
    }

    @BeforeAll
    static void trainVersions() throws IOException {
        kb = KnowledgeBase.load(RealModelTest.KB_DIR);
        trained = Files.createTempDirectory("ivbot-canary-trained");
        for (String d : List.of("a", "b")) {
            Files.createDirectories(trained.resolve(d));
        }
        good = ModelTrainer.builder().build().train(kb, trained.resolve("a")).directory();
        goodAgain = ModelTrainer.builder().seed(7).build().train(kb, trained.resolve("b")).directory();
        // held-out questions (not the KB's examples), Chinese and English interleaved
        List<LabeledText> zh = LabeledText.readJsonl(Path.of("../eval/test-zh.jsonl"));
        List<LabeledText> en = LabeledText.readJsonl(Path.of("../eval/test-en.jsonl"));
        for (int i = 0; i < Math.max(zh.size(), en.size()); i++) {
            if (i < zh.size()) {
                questions.add(zh.get(i).text());
            }
            if (i < en.size()) {
                questions.add(en.get(i).text());
            }
        }
        // the worse candidate is the good head with a calibration that leans to "out of scope" (a
        // wrong bias shipped by mistake): it sends many real questions to the fallback
        worse = trained.resolve("c/intent/1");
        RealModelTest.copy(good, worse);
        for (Language language : Language.values()) {
            Path head = worse.resolve("head-" + language.code() + ".bin");
            HeadBundle bundle;
            try (InputStream in = Files.newInputStream(head)) {
                bundle = HeadBundle.read(in);
            }
            try (OutputStream out = Files.newOutputStream(head)) {
                bundle.withCalibration(bundle.temperature(), bundle.oosBias() + WRONG_OOS_BIAS).write(out);
            }
        }
    }

    @AfterAll
    static void deleteVersions() throws IOException {
        RealModelTest.delete(trained);
    }

    @BeforeEach
    void repository() throws IOException {
        repo = Files.createTempDirectory("ivbot-canary-repo");
        RealModelTest.copy(good, repo.resolve("intent/1"));
    }

    @AfterEach
    void deleteRepository() throws IOException {
        RealModelTest.delete(repo);
    }

    private OnnxIntentClassifier serve(CanaryPolicy policy) {
        OnnxIntentClassifier.Builder b = OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb)
                .watch(false).pollInterval(Duration.ZERO).listener(this::onEvent)
                // the canary, not the gate, is to judge these candidates
                .gateTolerance(1.0);
        return (policy == null ? b : b.canary(policy)).build();
    }

    private static ClassifierInput input(String text, String user) {
        return new ClassifierInput(text, TextNormalizer.normalize(text), Language.detect(text), null, Map.of(), null,
                user);
    }

    /** Turns from many users until the classifier decides (the latch) or 4 000 turns pass. */
    private void chatUntilDecided(OnnxIntentClassifier model, CountDownLatch decided) throws InterruptedException {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(kb).primaryClassifier(model)
                .classifierDeadline(Duration.ofSeconds(5)).listener(model.turnListener()).build()) {
            for (int i = 0; i < 4_000 && decided.getCount() > 0; i++) {
                String user = "user-" + (i % 300);
                engine.chat(ChatRequest.of(user, "s-" + i, questions.get(i % questions.size())));
            }
            assertThat(decided.await(30, TimeUnit.SECONDS)).as("a decision within 4 000 turns").isTrue();
        }
    }

    @Test
    void aCandidateWithMoreFallbacksIsRolledBackAndStaysOutAfterARestart() throws Exception {
        try (OnnxIntentClassifier model = serve(new CanaryPolicy(0.5, 60, 0.02, 0.05))) {
            RealModelTest.copy(worse, repo.resolve("intent/2"));
            ModelEvent started = model.reload();
            assertThat(started.type()).isEqualTo(ModelEvent.Type.CANARY_STARTED);
            assertThat(model.servingVersion()).isEqualTo("1");
            assertThat(model.canaryVersion()).contains("2");

            chatUntilDecided(model, rolledBack);

            ModelEvent decision = events.stream().filter(e -> e.type() == ModelEvent.Type.ROLLED_BACK).findFirst()
                    .orElseThrow();
            assertThat(decision.previousVersion()).isEqualTo("2");
            assertThat(decision.version()).isEqualTo("1");
            assertThat(decision.reason()).contains("fallback rate").contains("candidate 2:").contains("stable 1:");
            assertThat(model.servingVersion()).isEqualTo("1");
            assertThat(model.canaryVersion()).isEmpty();
            ModelMetrics metrics = model.metrics();
            assertThat(metrics.rolledBack()).isEqualTo(1);
            assertThat(metrics.byVersion().get("2").fallbackRate())
                    .isGreaterThan(metrics.byVersion().get("1").fallbackRate() + 0.05);
            // after the decision every user is on version 1
            assertThat(model.classify(input(questions.get(0), "user-1")).modelVersion()).isEqualTo("1");
        }
        try (OnnxIntentClassifier restarted = serve(null)) {
            assertThat(restarted.servingVersion()).as("the rejected candidate is newest, yet not served").isEqualTo("1");
            assertThat(restarted.canaryVersion()).isEmpty();
        }
    }

    @Test
    void aCandidateNoWorseThanTheStableVersionIsPromoted() throws Exception {
        try (OnnxIntentClassifier model = serve(new CanaryPolicy(0.5, 60, 0.05, 0.1))) {
            RealModelTest.copy(goodAgain, repo.resolve("intent/2"));
            assertThat(model.reload().type()).isEqualTo(ModelEvent.Type.CANARY_STARTED);

            chatUntilDecided(model, promoted);

            ModelEvent decision = events.stream().filter(e -> e.type() == ModelEvent.Type.PROMOTED).findFirst()
                    .orElseThrow();
            assertThat(decision.version()).isEqualTo("2");
            assertThat(decision.reason()).contains("no worse").contains("candidate 2:");
            assertThat(model.servingVersion()).isEqualTo("2");
            assertThat(model.canaryVersion()).isEmpty();
            assertThat(model.metrics().byVersion()).containsKeys("1", "2");
        }
        try (OnnxIntentClassifier restarted = serve(null)) {
            assertThat(restarted.servingVersion()).isEqualTo("2");
        }
    }

    @Test
    void usersKeepTheirVersionAcrossARestartAndManualDecisionsWork() throws Exception {
        Map<String, String> before = new HashMap<>();
        // no policy: canaries are started and decided by hand
        try (OnnxIntentClassifier model = OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb)
                .watch(false).pollInterval(Duration.ZERO).gateTolerance(1.0).build()) {
            RealModelTest.copy(worse, repo.resolve("intent/2"));
            assertThat(model.startCanary("2", 0.3).type()).isEqualTo(ModelEvent.Type.CANARY_STARTED);
            assertThatThrownBy(() -> model.startCanary("2", 0.3)).isInstanceOf(IllegalStateException.class);
            for (int u = 0; u < 200; u++) {
                String user = "user-" + u;
                String version = model.classify(input(questions.get(u % questions.size()), user)).modelVersion();
                assertThat(model.versionFor(input("x", user))).isEqualTo("intent/" + version);
                before.put(user, version);
            }
        }
        long onCandidate = before.values().stream().filter("2"::equals).count();
        assertThat(onCandidate).as("about 30 % of 200 users").isBetween(35L, 85L);

        try (OnnxIntentClassifier restarted = OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb)
                .watch(false).pollInterval(Duration.ZERO).build()) {
            assertThat(restarted.servingVersion()).isEqualTo("1");
            assertThat(restarted.canaryVersion()).contains("2");
            for (Map.Entry<String, String> e : before.entrySet()) {
                assertThat(restarted.classify(input(questions.get(0), e.getKey())).modelVersion())
                        .as(e.getKey()).isEqualTo(e.getValue());
            }
            // a turn without a user id is the stable version's
            assertThat(restarted.classify(input(questions.get(0), null)).modelVersion()).isEqualTo("1");
            assertThat(restarted.promote().type()).isEqualTo(ModelEvent.Type.PROMOTED);
            assertThat(restarted.servingVersion()).isEqualTo("2");
            assertThatThrownBy(restarted::promote).isInstanceOf(IllegalStateException.class);
        }
    }
}
