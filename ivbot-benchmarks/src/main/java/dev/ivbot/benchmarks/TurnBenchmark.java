package dev.ivbot.benchmarks;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.Classification;
import dev.ivbot.internal.text.TextNormalizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One turn through the rules-only engine with in-memory sessions, and the rule classifier alone.
 * Run with {@code scripts/jmh.sh} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TurnBenchmark {

    @Param({"examples/hr-demo-kb"})
    public String kb = "examples/hr-demo-kb"; // JMH sets every @Param before @Setup; the default keeps the field non-null

    @Param({"true", "false"})
    public boolean cache;

    private DialogEngine engine;
    private RuleClassifier rules;
    private List<String> questions;
    private List<String> normalized;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        KnowledgeBase knowledgeBase = KnowledgeBase.load(Path.of(kb));
        engine = DialogEngine.builder().knowledgeBase(knowledgeBase).primaryClassifier(RuleClassifier.factory())
                .classificationCacheSize(cache ? 10_000 : 0).build();
        rules = RuleClassifier.create(knowledgeBase);
        questions = new ArrayList<>();
        for (Intent intent : knowledgeBase.intents().values()) {
            questions.addAll(intent.examplesZh());
            questions.addAll(intent.examplesEn());
        }
        normalized = questions.stream().map(TextNormalizer::normalize).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public Reply chatTurn() {
        int i = next++;
        String q = questions.get(Math.floorMod(i, questions.size()));
        // a user per session: 4096 sessions of one user would pass the store's cap per user and evict on every turn
        return engine.chat(ChatRequest.of("u" + (i & 4095), "s" + (i & 4095), q));
    }

    @Benchmark
    public Classification classifyRules() {
        return rules.classify(normalized.get(Math.floorMod(next++, normalized.size())));
    }
}
