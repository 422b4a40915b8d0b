package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who closes which classifier: the engine only what it built from a spec, a blend nothing. */
class ClassifierOwnershipTest {

    static final KnowledgeBase KB = TestKnowledgeBases.tiny();
    static final KnowledgeBase EDITED = KnowledgeBase.fromYaml("edited.yaml",
            TestKnowledgeBases.TINY_YAML.replace("年假每年15天。", "年假每年20天。"));

    /** A classifier that counts its closes and refuses to answer once closed, as a model does. */
    static class Fake implements IntentClassifier {
        final String name;
        final Function<String, Classification> answer;
        final Optional<Set<String>> known;
        final boolean nonBlocking;
        final AtomicInteger closes = new AtomicInteger();
        final List<CompletableFuture<Classification>> pending = new CopyOnWriteArrayList<>();
        volatile boolean holdAnswers;

        Fake(String name, Function<String, Classification> answer, Optional<Set<String>> known, boolean nonBlocking) {
            this.name = name;
            this.answer = answer;
            this.known = known;
            this.nonBlocking = nonBlocking;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Source source() {
            return nonBlocking ? Source.RULES : Source.MODEL;
        }

        @Override
        public Classification classify(ClassifierInput input) {
            if (closes.get() > 0) {
                throw new IllegalStateException(name + " is closed");
            }
            return answer.apply(input.normalized());
        }

        @Override
        public CompletableFuture<Classification> classifyAsync(ClassifierInput input, Executor executor) {
            if (!holdAnswers) {
                return CompletableFuture.supplyAsync(() -> classify(input), executor);
            }
            CompletableFuture<Classification> f = new CompletableFuture<>();
            pending.add(f);
            return f.thenApply(ignored -> classify(input));
        }

        @Override
        public boolean isNonBlocking() {
            return nonBlocking;
        }

        @Override
        public Optional<Set<String>> knownIntents() {
            return known;
        }

        @Override
        public ClassifierStatus status() {
            return new ClassifierStatus(closes.get() == 0, name, null, false, null);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    static Classification ranked(Object... intentAndScore) {
        List<ScoredIntent> out = new ArrayList<>();
        for (int i = 0; i < intentAndScore.length; i += 2) {
            out.add(new ScoredIntent((String) intentAndScore[i], (Double) intentAndScore[i + 1]));
        }
        return new Classification(out, "1");
    }

    /** Leave for 假, interview for 面试, nothing else. */
    static Fake model() {
        return new Fake("model", t -> t.contains("假") ? ranked(TestKnowledgeBases.LEAVE, 0.9)
                : t.contains("面试") ? ranked(TestKnowledgeBases.INTERVIEW, 0.9) : ranked(),
                Optional.empty(), false);
    }

    /** Rules built from a KB: they know exactly its intents. */
    static Fake rules(KnowledgeBase kb) {
        return new Fake("rules", t -> t.contains("工资") ? ranked(TestKnowledgeBases.SALARY, 0.8)
                : t.contains("假") ? ranked(TestKnowledgeBases.LEAVE, 0.8) : ranked(),
                Optional.of(kb.intents().keySet()), true);
    }

    @Test
    void reloadingWithABlendedPrimaryNeverClosesTheSharedModel() {
        Fake model = model();
        List<Fake> rulesBuilt = new CopyOnWriteArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KB)
                .primaryClassifier(kb -> {
                    Fake r = rules(kb);
                    rulesBuilt.add(r);
                    return IntentClassifier.blend(model, r, 0.7);
                })
                .build()) {
            for (int i = 0; i < 3; i++) {
                engine.reloadKnowledgeBase(i % 2 == 0 ? EDITED : KB);
                Reply reply = engine.chat(ChatRequest.of("u", "s" + i, "年假有几天"));
                assertThat(reply.source()).isEqualTo(Source.MODEL);
                assertThat(reply.degraded()).isFalse();
            }
            assertThat(model.closes.get()).isZero();
            assertThat(rulesBuilt).hasSize(4);
            // a blend owns neither part: the rules each blend was built with are the spec's business
            assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.UP);
        }
        assertThat(model.closes.get()).as("handed to a blend, never the engine's to close").isZero();
    }

    @Test
    void aBlendOwningItsSecondOpinionClosesItOnEachReloadAndNeverTheModel() {
        Fake model = model();
        List<Fake> rulesBuilt = new CopyOnWriteArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KB)
                .primaryClassifier(kb -> {
                    Fake r = rules(kb);
                    rulesBuilt.add(r);
                    return IntentClassifier.blendOwningSecondOpinion(model, r, 0.7);
                })
                .build()) {
            engine.reloadKnowledgeBase(EDITED);
            assertThat(engine.chat(ChatRequest.of("u", "s", "年假有几天")).source()).isEqualTo(Source.MODEL);
            assertThat(rulesBuilt).hasSize(2);
            assertThat(rulesBuilt.get(0).closes.get()).as("the replaced blend's second opinion").isEqualTo(1);
            assertThat(rulesBuilt.get(1).closes.get()).as("the serving blend's second opinion").isZero();
        }
        assertThat(rulesBuilt.get(1).closes.get()).isEqualTo(1);
        assertThat(model.closes.get()).as("the model is never the blend's").isZero();
    }

    @Test
    void theEngineClosesWhatItBuiltFromASpecAndNothingItWasHanded() {
        List<Fake> built = new CopyOnWriteArrayList<>();
        Fake handed = model();
        DialogEngine engine = DialogEngine.builder().knowledgeBase(KB)
                .primaryClassifier(handed)
                .secondaryClassifier(kb -> {
                    Fake r = rules(kb);
                    built.add(r);
                    return r;
                })
                .build();
        engine.reloadKnowledgeBase(EDITED);
        assertThat(built).hasSize(2);
        assertThat(built.get(0).closes.get()).as("the replaced secondary").isEqualTo(1);
        assertThat(built.get(1).closes.get()).isZero();
        assertThat(engine.primaryClassifier()).isSameAs(handed);
        engine.close();
        assertThat(built.get(1).closes.get()).isEqualTo(1);
        assertThat(handed.closes.get()).isZero();
        engine.close();
        assertThat(built.get(1).closes.get()).as("idempotent").isEqualTo(1);
    }

    @Test
    void aReplacedClassifierClosesOnlyAfterTheTurnsStillUsingIt() {
        List<Fake> built = new CopyOnWriteArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KB)
                .classifierDeadline(java.time.Duration.ofMinutes(1))
                .primaryClassifier(kb -> {
                    Fake m = model();
                    m.holdAnswers = built.isEmpty();
                    built.add(m);
                    return m;
                })
                .build()) {
            CompletableFuture<Reply> inFlight = engine.chatAsync(ChatRequest.of("u", "s", "年假有几天"));
            await("the first turn reaches the held model").atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(1)).until(() -> !built.get(0).pending.isEmpty());
            engine.reloadKnowledgeBase(EDITED);
            assertThat(built.get(0).closes.get()).as("a turn still uses it").isZero();
            built.get(0).pending.get(0).complete(ranked());
            Reply reply = inFlight.join();
            assertThat(reply.source()).isEqualTo(Source.MODEL);
            assertThat(reply.degraded()).isFalse();
            assertThat(built.get(0).closes.get()).isEqualTo(1);
            assertThat(engine.chat(ChatRequest.of("u", "s2", "年假有几天")).text()).isEqualTo("年假每年20天。");
        }
    }

    @Test
    void twoBuildsOfOneBuilderNeverShareAnOwnedInstance() {
        Fake shared = model();
        DialogEngine.Builder sharing = DialogEngine.builder().knowledgeBase(KB).primaryClassifier(kb -> shared);
        try (DialogEngine first = sharing.build()) {
            assertThatThrownBy(sharing::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already owns").hasMessageContaining("new classifier on each call");
            assertThat(first.chat(ChatRequest.of("u", "s", "年假有几天")).source()).isEqualTo(Source.MODEL);
            assertThat(shared.closes.get()).isZero();
            // the same spec handing out the same instance on a reload is refused and changes nothing
            assertThatThrownBy(() -> first.reloadKnowledgeBase(EDITED)).isInstanceOf(IllegalStateException.class);
            assertThat(first.knowledgeBase()).isSameAs(KB);
        }
        assertThat(shared.closes.get()).isEqualTo(1);

        List<Fake> built = new CopyOnWriteArrayList<>();
        DialogEngine.Builder factory = DialogEngine.builder().knowledgeBase(KB).primaryClassifier(kb -> {
            Fake f = model();
            built.add(f);
            return f;
        });
        try (DialogEngine a = factory.build(); DialogEngine b = factory.build()) {
            assertThat(built).hasSize(2);
            a.close();
            assertThat(built.get(0).closes.get()).isEqualTo(1);
            assertThat(built.get(1).closes.get()).isZero();
            assertThat(b.chat(ChatRequest.of("u", "s", "年假有几天")).degraded()).isFalse();
        }
    }

    @Test
    void aBlendDropsIntentsTheKbRemovedAndScoresNewOnesByTheSecondOpinion() {
        // the model was trained when the KB had leave, interview and an intent since removed
        Fake oldModel = new Fake("model", t -> t.contains("旧") ? ranked("removed_intent", 0.95, TestKnowledgeBases.LEAVE, 0.05)
                : t.contains("工资") ? ranked(TestKnowledgeBases.LEAVE, 0.6) : ranked(TestKnowledgeBases.LEAVE, 0.9),
                Optional.of(Set.of(TestKnowledgeBases.LEAVE, TestKnowledgeBases.INTERVIEW, "removed_intent")), false);
        Fake rules = rules(KB); // salary is new to the model
        IntentClassifier blend = IntentClassifier.blend(oldModel, rules, 0.7);
        Classification removed = blend.classify(new ClassifierInput("旧的问题", "旧的问题", Language.ZH));
        assertThat(removed.ranked()).extracting(ScoredIntent::intent).doesNotContain("removed_intent");
        Classification added = blend.classify(new ClassifierInput("工资多少", "工资多少", Language.ZH));
        assertThat(added.top().intent()).isEqualTo(TestKnowledgeBases.SALARY);
        assertThat(added.top().score()).as("the second opinion alone, at full weight").isEqualTo(0.8);
        Classification known = blend.classify(new ClassifierInput("年假", "年假", Language.ZH));
        assertThat(known.top().score()).isEqualTo(0.7 * 0.9 + 0.3 * 0.8, org.assertj.core.data.Offset.offset(1e-9));
        blend.close();
        assertThat(oldModel.closes.get()).isZero();
        assertThat(rules.closes.get()).isZero();
    }

    @Test
    void healthIsDegradedWhenThePrimaryIsNotServingAndKeepsARefusedReload(@TempDir Path dir) throws Exception {
        Fake handed = model();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KB).primaryClassifier(handed).build()) {
            assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.UP);
            assertThat(engine.health().problems()).isEmpty();

            Path kbFile = dir.resolve("kb.yaml");
            Files.writeString(kbFile, TestKnowledgeBases.TINY_YAML.replace("intents:", "intents: [oops"));
            assertThatThrownBy(() -> engine.reloadKnowledgeBase(kbFile)).isInstanceOf(KnowledgeBaseException.class);
            assertThat(engine.knowledgeBase()).isSameAs(KB);
            EngineHealth.RefusedReload refused = engine.health().lastRefusedReload();
            assertThat(refused).isNotNull();
            assertThat(refused.reason()).contains("kb.yaml");

            handed.close(); // its owner closed it under the engine
            EngineHealth health = engine.health();
            assertThat(health.status()).isEqualTo(EngineHealth.Status.DEGRADED);
            assertThat(health.problems()).anySatisfy(p -> assertThat(p).contains("not serving"));
        }
    }

    @Test
    void healthIsDegradedWhileThePrimaryMissesItsDeadlineAboveTheThreshold() {
        Fake slow = model();
        slow.holdAnswers = true; // never answers: every turn goes to the secondary on the deadline
        AtomicBoolean alarm = new AtomicBoolean();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KB).primaryClassifier(slow)
                .secondaryClassifier(rules(KB))
                .classifierDeadline(java.time.Duration.ofMillis(1))
                .failureAlarm(0.05, java.time.Duration.ofMinutes(1), (raised, rate, turns) -> alarm.set(raised))
                .build()) {
            for (int i = 0; i < 25; i++) {
                Reply r = engine.chat(ChatRequest.of("u", "s" + i, "年假有几天"));
                assertThat(r.degraded()).isTrue();
            }
            EngineHealth health = engine.health();
            assertThat(health.status()).isEqualTo(EngineHealth.Status.DEGRADED);
            assertThat(health.primaryMissRate()).isEqualTo(1.0);
            assertThat(health.problems()).anySatisfy(p -> assertThat(p).contains("missed its deadline"));
            assertThat(alarm.get()).as("every turn was answered, so the failure alarm stays quiet").isFalse();
        }
    }
}
