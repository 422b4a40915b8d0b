package dev.ivbot.onnx;

import ai.onnxruntime.OrtException;
import dev.ivbot.Language;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.lint.ExampleCrossValidator;
import dev.ivbot.onnx.internal.Encoder;
import dev.ivbot.onnx.internal.LinearHead;
import dev.ivbot.onnx.internal.Resources;
import dev.ivbot.onnx.internal.TextFeatures;
import dev.ivbot.onnx.internal.TrainingPool;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The confusion check of {@code kb lint} with the serving model's parts: each language's examples
 * are embedded once by the same bge-small encoder that {@link ModelTrainer} uses, then k stratified
 * folds each train the same linear head (embedding plus character/word n-grams) on the other folds
 * and classify the held-out one. Leaves out what only calibrates a served model (augmentation, the
 * off-topic class, anchors): the question here is which intents the examples themselves mix up.
 * About the time of one training run: the encoder dominates, a fold's head takes well under a
 * second on the demo KB (docs/kb-format.md has the figures).
 *
 * <pre>{@code
 * LintReport report = KbLinter.builder().crossValidator(OnnxCrossValidator.builder().build()).build()
 *         .lint(Path.of("examples/hr-demo-kb"));
 * }</pre>
 *
 * <p>Immutable and thread-safe: each call opens its own encoder and closes it.
 */
public final class OnnxCrossValidator implements ExampleCrossValidator {

    /** Folds by default: the trainer's calibration uses as many. */
    public static final int DEFAULT_FOLDS = 5;

    private final int folds;
    private final long seed;
    private final int intraOpThreads;
    private final PrintStream progress;

    private OnnxCrossValidator(Builder b) {
        this.progress = b.progress;
        this.folds = b.folds;
        this.seed = b.seed;
        this.intraOpThreads = b.intraOpThreads;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<@Nullable String> outOfFold(KnowledgeBase kb, Language language) {
        List<String> labels = new ArrayList<>(kb.intents().keySet());
        List<String> texts = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            Intent intent = kb.intent(labels.get(c)).orElseThrow();
            for (String t : intent.examples(language)) {
                texts.add(TextNormalizer.normalize(t));
                y.add(c);
            }
        }
        List<@Nullable String> out = new ArrayList<>(Collections.nCopies(texts.size(), (String) null));
        if (texts.isEmpty()) {
            return out;
        }
        long start = System.nanoTime();
        Map<String, float[]> embeddings = embed(language, texts);
        long embedded = System.nanoTime();
        int[] fold = stratifiedFolds(y, labels.size());
        for (int f = 0; f < folds; f++) {
            List<String> trainTexts = new ArrayList<>();
            List<float[]> trainEmb = new ArrayList<>();
            List<Integer> trainY = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                if (fold[i] != f) {
                    trainTexts.add(texts.get(i));
                    trainEmb.add(embeddings.get(texts.get(i)));
                    trainY.add(y.get(i));
                }
            }
            if (trainTexts.isEmpty()) {
                continue;
            }
            TextFeatures features = TextFeatures.fit(trainTexts);
            List<TextFeatures.Sparse> sparse = new ArrayList<>();
            for (String t : trainTexts) {
                sparse.add(features.vector(t));
            }
            LinearHead head = LinearHead.train(trainEmb, sparse, trainY.stream().mapToInt(Integer::intValue).toArray(),
                    labels.size(), features.size(), LinearHead.Options.DEFAULT);
            for (int i = 0; i < texts.size(); i++) {
                if (fold[i] == f) {
                    double[] z = head.logits(ModelTrainer.embedded(embeddings, texts.get(i)), features.vector(texts.get(i)));
                    int best = 0;
                    for (int c = 1; c < z.length; c++) {
                        best = z[c] > z[best] ? c : best;
                    }
                    out.set(i, labels.get(best));
                }
            }
        }
        progress.printf(Locale.ROOT, "[%s] cross-validation: %d examples embedded in %.1f s, %d folds in %.1f s%n",
                language.code(), texts.size(), (embedded - start) / 1e9, folds, (System.nanoTime() - embedded) / 1e9);
        return out;
    }

    private Map<String, float[]> embed(Language language, List<String> texts) {
        String[] refs = ModelTrainer.encoderRefs(language);
        Path none = Path.of(".");
        Map<String, float[]> out = new HashMap<>();
        try (TrainingPool pool = new TrainingPool(intraOpThreads);
                Encoder encoder = new Encoder(Resources.read(refs[0], none), Resources.read(refs[1], none),
                        Encoder.Pooling.CLS, ModelTrainer.MAX_TOKENS, 1)) {
            ModelTrainer.embed(encoder, texts, out, progress, language, pool);
        } catch (OrtException e) {
            throw new IllegalStateException("the " + language.code() + " encoder failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + language.code() + " encoder", e);
        }
        return out;
    }

    /** Each intent's examples shuffled and dealt round-robin, so every fold holds out a share of every intent. */
    private int[] stratifiedFolds(List<Integer> y, int classes) {
        Random random = new Random(seed);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.size(); i++) {
            byClass.get(y.get(i)).add(i);
        }
        int[] fold = new int[y.size()];
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            for (int k = 0; k < members.size(); k++) {
                fold[members.get(k)] = k % folds;
            }
        }
        return fold;
    }

    /**
     * Options for an {@link OnnxCrossValidator}; each setter checks its argument and names it. Not
     * thread-safe; {@link #build()} leaves it reusable.
     */
    public static final class Builder {
        private int folds = DEFAULT_FOLDS;
        private long seed = 42;
        private int intraOpThreads = Runtime.getRuntime().availableProcessors();
        private PrintStream progress = new PrintStream(OutputStream.nullOutputStream());

        private Builder() {}

        /** Where a timing line per language goes; default nowhere. */
        public Builder progress(PrintStream progress) {
            this.progress = java.util.Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Number of folds, at least 2; default {@value OnnxCrossValidator#DEFAULT_FOLDS}. */
        public Builder folds(int folds) {
            if (folds < 2) {
                throw new IllegalArgumentException("folds must be at least 2, was " + folds);
            }
            this.folds = folds;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        public OnnxCrossValidator build() {
            return new OnnxCrossValidator(this);
        }
    }
}
