package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.FallbackReason;
import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real bge-small encoders from Maven Central with a head trained from the demo KB. One training
 * run is shared by the class; each test serves from its own copy of the repository.
 */
class RealModelTest {

    static final Path KB_DIR = Path.of("../examples/hr-demo-kb");
    static KnowledgeBase kb;
    static Path trained;
    static TrainingReport report;

    @BeforeAll
    static void train() throws IOException {
        kb = KnowledgeBase.load(KB_DIR);
        trained = Files.createTempDirectory("ivbot-onnx-test");
        report = ModelTrainer.builder().progress(System.out).build().train(kb, trained);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        delete(trained);
    }

    private static Path copyRepository() throws IOException {
        Path repo = Files.createTempDirectory("ivbot-onnx-repo");
        copy(report.directory(), repo.resolve("intent/1"));
        return repo;
    }

    private static OnnxIntentClassifier serve(Path repo, List<ModelEvent> events) {
        return OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb).watch(false)
                .pollInterval(Duration.ZERO).listener(events::add).build();
    }

    private static ClassifierInput input(String text) {
        return new ClassifierInput(text, TextNormalizer.normalize(text), Language.detect(text));
    }

    @Test
    void heldOutSplitOfTheKbIsMostlyRight() {
        // the dev split is held out of the head that chose the calibration; the figures are in docs/onnx.md
        TrainingReport.DevMetrics zh = report.dev().get("zh");
        TrainingReport.DevMetrics en = report.dev().get("en");
        assertThat(zh.accuracy()).isGreaterThan(0.8);
        assertThat(en.accuracy()).isGreaterThan(0.75);
        assertThat(zh.oosRecall()).isGreaterThan(0.7);
        assertThat(en.oosRecall()).isGreaterThan(0.7);
        assertThat(report.directory().resolve("manifest.json")).exists();
        assertThat(report.directory().resolve("gate.jsonl")).exists();
    }

    @Test
    void aReadingCarriesTheModelsMarginBeyondItsRoundedScores() throws IOException {
        Path repo = copyRepository();
        try (OnnxIntentClassifier model = serve(repo, new ArrayList<>())) {
            Classification sure = model.classify(input("年假有几天"));
            assertThat(sure.margin()).isNotNull();
            assertThat(sure.margin().intent()).isEqualTo(sure.top().intent()).isEqualTo("leave_policy");
            // ln(p(best) / p(runner-up)), from probabilities before any rounding
            assertThat(sure.margin().logOdds()).isGreaterThan(Math.log(sure.top().score() / sure.second().score()) - 1e-6)
                    .isGreaterThan(1);
            assertThat(model.classify(input("明天天气怎么样")).margin()).as("out of scope: no intent, no margin").isNull();
        } finally {
            delete(repo);
        }
    }

    @Test
    void aFollowUpIsComposedFromTheTwoTextsEmbeddingsWithoutAnotherModelPass() throws IOException {
        Path repo = copyRepository();
        String topic = "深圳的公积金比例是多少";
        String turn = "这个从入职当月开始吗";
        ClassifierInput followUp = new ClassifierInput(turn, TextNormalizer.normalize(turn), Language.ZH,
                "social_insurance", Map.of(), topic);
        Executor noThreads = task -> {
            throw new AssertionError("a composed reading needs no executor");
        };
        try (OnnxIntentClassifier model = serve(repo, new ArrayList<>())) {
            // the dialog as the engine reads it: the topic question, then the follow-up alone
            assertThat(model.classify(input(topic)).top().intent()).isEqualTo("social_insurance");
            assertThat(model.classify(followUp).top().intent()).as("alone").isNotEqualTo("social_insurance");
            long batches = model.metrics().batches();

            CompletableFuture<Classification> composed = model.classifyFollowUpAsync(followUp, noThreads);

            assertThat(composed).as("answered on the calling thread").isDone();
            assertThat(model.metrics().batches()).as("no model pass").isEqualTo(batches);
            assertThat(composed.join().top().intent()).isEqualTo("social_insurance");
            assertThat(composed.join().margin()).isNotNull();

            // a classifier that has read neither text reads both in one batch and composes the same reading
            try (OnnxIntentClassifier cold = serve(repo, new ArrayList<>())) {
                long coldBatches = cold.metrics().batches();
                Classification read = cold.classifyFollowUpAsync(followUp, noThreads).join();
                assertThat(cold.metrics().batches()).isEqualTo(coldBatches + 1);
                assertThat(read.top().intent()).isEqualTo(composed.join().top().intent());
                assertThat(read.top().score()).isCloseTo(composed.join().top().score(), within(0.05));
                assertThat(cold.classifyFollowUpAsync(followUp, noThreads)).as("both now cached").isDone();
            }
        } finally {
            delete(repo);
        }
    }

    @Test
    void answersThroughTheDialogEngine() throws IOException {
        Path repo = copyRepository();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(kb)
                .primaryClassifier(serve(repo, new ArrayList<>())).build()) {
            Reply zh = engine.chat(ChatRequest.of("u1", "s1", "年假有几天？"));
            assertThat(zh.intent()).isEqualTo("leave_policy");
            Reply en = engine.chat(ChatRequest.of("u1", "s2", "how many days of annual leave do i get"));
            assertThat(en.intent()).isEqualTo("leave_policy");
            Reply oos = engine.chat(ChatRequest.of("u1", "s3", "明天天气怎么样"));
            assertThat(oos.intent()).isNull();
        } finally {
            delete(repo);
        }
    }

    @Test
    void followUpsAreReadInTheContextOfTheDialogThroughTheHybrid() throws IOException {
        Path repo = copyRepository();
        for (dev.ivbot.ContextReading reading : List.of(dev.ivbot.ContextReading.FAST,
                dev.ivbot.ContextReading.PRIMARY, dev.ivbot.ContextReading.COMPOSED)) {
            try (OnnxIntentClassifier model = serve(repo, new ArrayList<>());
                    DialogEngine engine = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model, RuleClassifier.factory())
                            .contextReading(reading).build()) {
                String s = "dialog-" + reading;
                expect(engine, s, "深圳的公积金比例是多少", "social_insurance");
                // alone a start-date question; "这个" points back at the housing fund
                Reply pronoun = expect(engine, s, "这个从入职当月开始吗", "social_insurance");
                assertThat(pronoun.source()).isEqualTo(dev.ivbot.Source.CONTEXT);
                assertThat(engine.chat(ChatRequest.of("u1", s, "你是chatgpt吗")).isFallback()).isTrue();
                Reply city = expect(engine, s, "那成都的话", "social_insurance");
                assertThat(city.slots()).containsEntry("city", "chengdu");
                expect(engine, s, "晚上加班有钱拿吗", "overtime");
                // alone how to apply for a job; here how to claim overtime
                expect(engine, s, "这个要怎么申请", "overtime");
                assertThat(engine.chat(ChatRequest.of("u1", s + "-new", "这个从入职当月开始吗")).intent())
                        .isNotEqualTo("social_insurance");
                assertThat(engine.chat(ChatRequest.of("u1", s + "-new2", "这个要怎么申请")).intent())
                        .isNotEqualTo("overtime");
            }
        }
        delete(repo);
    }

    @Test
    void aVagueFollowUpThatTheModelReadsAsInScopeStaysOnTheTopic() throws IOException {
        Path repo = copyRepository();
        try (OnnxIntentClassifier model = serve(repo, new ArrayList<>());
                DialogEngine engine = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model,
                        RuleClassifier.factory()).build()) {
            expect(engine, "vague", "什么时候可以入职", "start_date");
            // off topic: the model leaves its best intent a sliver, so the topic does not take it
            assertThat(engine.chat(ChatRequest.of("u1", "vague", "今天股票涨了没")).isFallback()).isTrue();
            // no content word and no pronoun: alone a low-confidence fallback, but about the KB
            Reply vague = expect(engine, "vague", "需要谁同意", "start_date");
            assertThat(vague.source()).isEqualTo(dev.ivbot.Source.CONTEXT);
            assertThat(engine.chat(ChatRequest.of("u1", "vague-alone", "需要谁同意")).isFallback()).isTrue();
        } finally {
            delete(repo);
        }
    }

    @Test
    void aClosingEndsTheConversationEvenWithAWordThatPointsBack() throws IOException {
        Path repo = copyRepository();
        try (OnnxIntentClassifier model = serve(repo, new ArrayList<>());
                DialogEngine engine = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model,
                        RuleClassifier.factory()).build()) {
            expect(engine, "bye", "面试时间能改到下周吗", "interview_reschedule");
            // "那" opens follow-ups ("那病假呢"); read with the topic's question, the topic won
            expect(engine, "bye", "那没有别的了，再见", "closing");
            expect(engine, "thanks", "how do i apply for the campus program", "how_to_apply");
            expect(engine, "thanks", "that was useful, thanks", "closing");
        } finally {
            delete(repo);
        }
    }

    private static Reply expect(DialogEngine engine, String session, String text, String intent) {
        Reply reply = engine.chat(ChatRequest.of("u1", session, text));
        assertThat(reply.intent()).as("intent of '%s'", text).isEqualTo(intent);
        return reply;
    }

    @Test
    void hotReloadUnderLoadFailsNoRequest() throws Exception {
        Path repo = copyRepository();
        List<ModelEvent> events = new CopyOnWriteArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Intent intent : kb.intents().values()) {
            texts.addAll(intent.examplesZh().subList(0, 2));
            texts.add(intent.examplesEn().get(0));
        }
        OnnxIntentClassifier classifier = serve(repo, events);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger replies = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> versionsSeen = new CopyOnWriteArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(kb).primaryClassifier(classifier)
                .classificationCacheSize(0).classifierDeadline(Duration.ofSeconds(5)).build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    int i = id;
                    while (!stop.get()) {
                        try {
                            Reply r = engine.chat(ChatRequest.of("user" + id, "s" + id + "-" + i,
                                    texts.get(i % texts.size())));
                            if (r.degraded() || r.fallbackReason() == FallbackReason.CLASSIFIER_UNAVAILABLE) {
                                failures.add(new AssertionError("degraded reply " + r));
                            }
                            replies.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        i += 8;
                    }
                });
                threads.add(thread);
                thread.start();
            }
            waitForReplies(replies, 50, failures);
            versionsSeen.add(classifier.servingVersion());
            copy(repo.resolve("intent/1"), repo.resolve("intent/2"));
            assertThat(classifier.reload().type()).isEqualTo(ModelEvent.Type.LOADED);
            versionsSeen.add(classifier.servingVersion());
            waitForReplies(replies, replies.get() + 50, failures);
            copy(repo.resolve("intent/1"), repo.resolve("intent/3"));
            assertThat(classifier.reload().type()).isEqualTo(ModelEvent.Type.LOADED);
            waitForReplies(replies, replies.get() + 50, failures);
            ModelEvent back = classifier.rollback();
            assertThat(back.type()).isEqualTo(ModelEvent.Type.ROLLED_BACK);
            assertThat(back.version()).isEqualTo("2");
            // the rolled-back version is not picked up again
            assertThat(classifier.reload().type()).isEqualTo(ModelEvent.Type.UNCHANGED);
            waitForReplies(replies, replies.get() + 50, failures);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            stop.set(true);
            delete(repo);
        }
        assertThat(failures).isEmpty();
        assertThat(versionsSeen).containsExactly("1", "2");
        assertThat(events).extracting(ModelEvent::type).containsExactly(ModelEvent.Type.LOADED,
                ModelEvent.Type.LOADED, ModelEvent.Type.LOADED, ModelEvent.Type.ROLLED_BACK);
        ModelMetrics m = classifier.metrics();
        assertThat(m.loaded()).isEqualTo(3);
        assertThat(m.rolledBack()).isEqualTo(1);
        assertThat(m.failed()).isZero();
    }

    @Test
    void refusesACorruptOnnxFileAndKeepsServing() throws Exception {
        Path repo = copyRepository();
        List<ModelEvent> events = new ArrayList<>();
        try (OnnxIntentClassifier c = serve(repo, events)) {
            Path v2 = repo.resolve("intent/2");
            copy(repo.resolve("intent/1"), v2);
            Files.write(v2.resolve("broken.onnx"), "this is not an onnx model".getBytes());
            String manifest = Files.readString(v2.resolve("manifest.json"))
                    .replace("classpath:bge-small-zh-v1.5-q.onnx", "broken.onnx");
            Files.writeString(v2.resolve("manifest.json"), manifest);
            ModelEvent e = c.reload();
            assertThat(e.type()).isEqualTo(ModelEvent.Type.REFUSED);
            assertThat(e.reason()).contains("broken.onnx cannot be loaded");
            assertThat(c.servingVersion()).isEqualTo("1");
            assertThat(c.classify(input("年假有几天")).top().intent()).isEqualTo("leave_policy");
            assertThat(c.reload().type()).isEqualTo(ModelEvent.Type.UNCHANGED);
            assertThat(c.metrics().refused()).isEqualTo(1);
        } finally {
            delete(repo);
        }
    }

    @Test
    void refusesADifferentLabelSetAndAnF1RegressionAndKeepsServing() throws Exception {
        Path repo = copyRepository();
        Path scratch = Files.createTempDirectory("ivbot-onnx-scratch");
        List<ModelEvent> events = new ArrayList<>();
        try (OnnxIntentClassifier c = serve(repo, events)) {
            Map<String, Intent> fewer = new LinkedHashMap<>(kb.intents());
            fewer.remove("promotion");
            KnowledgeBase smaller = kb.withIntents(fewer);
            TrainingReport other = ModelTrainer.builder().epochs(5).build().train(smaller, scratch);
            Files.move(other.directory(), repo.resolve("intent/2"), StandardCopyOption.ATOMIC_MOVE);
            ModelEvent labels = c.reload();
            assertThat(labels.type()).isEqualTo(ModelEvent.Type.REFUSED);
            assertThat(labels.reason()).contains("label set differs").contains("removed [promotion]");
            assertThat(c.servingVersion()).isEqualTo("1");

            // barely trained: it still loads, but the gate sees the drop in macro-F1
            TrainingReport weak = ModelTrainer.builder().epochs(1).learningRate(1e-4).build().train(kb, scratch);
            Files.move(weak.directory(), repo.resolve("intent/3"), StandardCopyOption.ATOMIC_MOVE);
            ModelEvent gate = c.reload();
            assertThat(gate.type()).isEqualTo(ModelEvent.Type.REFUSED);
            assertThat(gate.reason()).startsWith("gate: macro-F1");
            assertThat(gate.gateMacroF1()).isLessThan(gate.servingMacroF1() - 0.01);
            assertThat(c.servingVersion()).isEqualTo("1");
            assertThat(c.classify(input("how many days of annual leave")).top().intent()).isEqualTo("leave_policy");
            assertThat(events).extracting(ModelEvent::type).containsExactly(ModelEvent.Type.LOADED,
                    ModelEvent.Type.REFUSED, ModelEvent.Type.REFUSED);
        } finally {
            delete(repo);
            delete(scratch);
        }
    }

    /** Until the serving threads have had {@code atLeast} replies; a failed turn ends the wait at once. */
    private static void waitForReplies(AtomicInteger replies, int atLeast, Collection<Throwable> failures) {
        await(atLeast + " replies").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .failFast("a turn failed", () -> assertThat(failures).isEmpty())
                .until(replies::get, n -> n >= atLeast);
    }

    static void copy(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + "-copy");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = tmp.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
