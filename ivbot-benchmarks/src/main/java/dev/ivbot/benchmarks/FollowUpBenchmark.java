package dev.ivbot.benchmarks;

import dev.ivbot.ContextReading;
import dev.ivbot.Language;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * What the model's reading of a follow-up in context costs on the BERT path (docs/benchmarks.md):
 * {@link #joined} is {@link ContextReading#PRIMARY}'s, a model pass over "follow-up + topic
 * question"; {@link #composed} is {@link ContextReading#COMPOSED}'s, the head over the mean of the
 * two texts' embeddings, both read before (as in a dialog: the topic question a few turns ago, the
 * follow-up's own reading just now). The demo KB's model, trained into a temporary repository
 * (the classifier's own, deleted on close) unless {@code repo} names one. Sample mode, so that JMH reports p99.
 *
 * <p>Not thread-safe: JMH runs one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FollowUpBenchmark {

    @Param({"examples/hr-demo-kb"})
    public String kb = "examples/hr-demo-kb";

    /** A model repository trained for {@link #kb}; empty: train one into a temporary folder. */
    @Param({""})
    public String repo = "";

    private OnnxIntentClassifier classifier;
    private List<ClassifierInput> followUps;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        KnowledgeBase knowledgeBase = KnowledgeBase.load(Path.of(kb));
        OnnxIntentClassifier.Builder builder = OnnxIntentClassifier.builder().knowledgeBase(knowledgeBase)
                .trainIfMissing(true).watch(false).pollInterval(Duration.ZERO);
        if (!repo.isEmpty()) {
            builder.repository(Path.of(repo));
        }
        // without a repository the classifier trains into a temporary one and deletes it on close
        classifier = builder.build();
        followUps = ContextBenchmark.DIALOGS.stream().map(d -> {
            Language language = Language.detect(d[1]);
            // the dialog as the engine sees it: the topic question read alone, then the follow-up alone
            classifier.classify(new ClassifierInput(d[0], TextNormalizer.normalize(d[0]), language));
            ClassifierInput followUp = new ClassifierInput(d[1], TextNormalizer.normalize(d[1]), language, "topic",
                    Map.of(), d[0]);
            classifier.classify(followUp);
            return followUp;
        }).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        classifier.close();
    }

    /** {@link ContextReading#PRIMARY}: a model pass over the joined text. */
    @Benchmark
    public Classification joined() {
        return classifier.classifyAsync(followUps.get(Math.floorMod(next++, followUps.size())).joinedWithTopic(),
                Runnable::run).join();
    }

    /** {@link ContextReading#COMPOSED}: the head over the two cached embeddings. */
    @Benchmark
    public Classification composed() {
        return classifier.classifyFollowUpAsync(followUps.get(Math.floorMod(next++, followUps.size())), Runnable::run)
                .join();
    }
}
