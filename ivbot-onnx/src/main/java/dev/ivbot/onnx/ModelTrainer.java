package dev.ivbot.onnx;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ivbot.Language;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.internal.Augmenter;
import dev.ivbot.onnx.internal.Encoder;
import dev.ivbot.onnx.internal.HeadBundle;
import dev.ivbot.onnx.internal.LinearHead;
import dev.ivbot.onnx.internal.ModelVersion;
import dev.ivbot.onnx.internal.Resources;
import dev.ivbot.onnx.internal.Scoring;
import dev.ivbot.onnx.internal.TextFeatures;
import dev.ivbot.onnx.internal.ServingPacer;
import dev.ivbot.onnx.internal.TrainingPool;
import dev.ivbot.spi.Classification;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds a model version from a knowledge base: a classification head per language over the frozen
 * bge-small encoder (Chinese: bge-small-zh-v1.5, English: bge-small-en-v1.5, both int8 ONNX from
 * the classpath) plus character/word n-gram features, with an out-of-scope class trained on a
 * bundled set of off-topic questions, and the embeddings of the KB's examples as nearest-example
 * anchors. An intent with few examples also learns from its title, its answers and its examples in
 * the other language. Temperature, an out-of-scope bias and the anchor weight are chosen on
 * held-out scores (cross-validation for a small KB, one held-out split for a large one, plus an
 * optional dev file) with the KB's threshold and clarify margin; the final head is then trained on
 * every example. Seconds on a CPU, no GPU (docs/onnx.md).
 *
 * <pre>{@code
 * TrainingReport report = ModelTrainer.builder().progress(System.out).build()
 *         .train(KnowledgeBase.load(Path.of("examples/hr-demo-kb")), ModelRepository.DEFAULT_REPOSITORY);
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #train} may run concurrently for different repositories.
 */
public final class ModelTrainer {

    /** The encoder of a language, as the manifest names it: {onnx, tokenizer}. */
    static String[] encoderRefs(Language language) {
        return switch (language) {
            case ZH -> new String[] {"classpath:bge-small-zh-v1.5-q.onnx", "classpath:bge-small-zh-v1.5-q-tokenizer.json"};
            case EN -> new String[] {"classpath:bge-small-en-v1.5-q.onnx", "classpath:bge-small-en-v1.5-q-tokenizer.json"};
        };
    }

    /** A text's embedding from a cache that {@link #embed} filled for every text it is asked about. */
    static float[] embedded(Map<String, float[]> cache, String text) {
        float[] embedding = cache.get(text);
        if (embedding == null) {
            throw new IllegalStateException("not embedded: " + text);
        }
        return embedding;
    }
    static final int MAX_TOKENS = 64;
    private static final double[] TEMPERATURES = {0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0};
    private static final double[] OOS_BIASES = {-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2};
    private static final double[] ANCHOR_WEIGHTS = {0, 5, 10, 20, 40};
    /**
     * An intent with fewer examples than this in a language also learns, in that language's head,
     * from its title, its answers' sentences and its examples in the other language.
     */
    static final int BORROW_BELOW = 15;
    /**
     * The most sentences of an intent's answers that its head learns from (see {@link #answerSentences}).
     * Chosen on eval/dev-en-hard.jsonl and eval/dev.jsonl with 5-example KBs of seeds 1-3 (docs/evaluation.md).
     */
    static final int ANSWER_SENTENCES = 12;
    /** Where an answer's sentences end, in either language. */
    static final Pattern SENTENCE_BREAK = Pattern.compile("[。！？；!?;\\n]|\\. ");
    /** Folds of the calibration's cross-validation: at 5 examples per intent, leave one out per intent. */
    static final int CV_FOLDS = 5;
    /** Above this many utterances of one language (examples and off-topic lines), one held-out split calibrates: cross-validation pays where examples are few, and would multiply the training time of a large KB. */
    static final int CV_LIMIT = 500;
    /**
     * Above this many training utterances in one language, the head trains on the large-data
     * schedule ({@link #LARGE_EPOCHS} epochs at {@link #LARGE_LEARNING_RATE}) unless the builder set
     * epochs or learning rate. Measured on CLINC150's validation split (15,000 utterances, 150
     * intents): top-1 96.8 % in 10 s against 95.4 % in 96 s with the small-KB schedule (80 epochs at
     * 0.05), whose steps overfit the lexical features once every intent has a hundred examples.
     */
    static final int LARGE_DATA = 5000;
    static final int LARGE_EPOCHS = 10;
    static final double LARGE_LEARNING_RATE = 0.01;
    /** An external dev set with at least this many lines per intent replaces the hold-out from the KB. */
    static final int DEV_LINES_PER_INTENT = 5;
    /** The manifest field with {@link #trainingFingerprint(KnowledgeBase)} of the KB a version was trained on. */
    static final String TRAINING_FINGERPRINT = "trainingFingerprint";

    private final String model;
    private final PrintStream progress;
    private final double devFraction;
    private final long seed;
    private final int augmentPerExample;
    private final int intraOpThreads;
    private final List<LabeledText> devSet;
    private final LinearHead.Options headOptions;
    private final boolean scheduleSet;
    private final boolean crossLingual;
    private final boolean titles;
    private final boolean answers;

    private ModelTrainer(Builder b) {
        this.answers = b.answers;
        this.crossLingual = b.crossLingual;
        this.titles = b.titles;
        this.model = b.model;
        this.progress = b.progress;
        this.devFraction = b.devFraction;
        this.seed = b.seed;
        this.augmentPerExample = b.augmentPerExample;
        this.intraOpThreads = b.intraOpThreads;
        this.devSet = List.copyOf(b.devSet);
        this.headOptions = new LinearHead.Options(b.epochs, 32, b.learningRate, b.weightDecay,
                LinearHead.Options.DEFAULT.denseScale(), LinearHead.Options.DEFAULT.sparseScale(), b.seed);
        this.scheduleSet = b.scheduleSet;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What training reads from a KB: {@link KnowledgeBase#trainingFingerprint()}. An edit that
     * leaves it unchanged (answers, messages, slot synonyms, rules, settings) needs no new version.
     */
    public static String trainingFingerprint(KnowledgeBase kb) {
        return Objects.requireNonNull(kb, "kb").trainingFingerprint();
    }

    /**
     * Trains and publishes {@code <repository>/<model>/<next version>/} (written to a dot-folder and
     * renamed into place, so a watching classifier never sees half a version).
     *
     * @throws UncheckedIOException if the repository cannot be written
     * @throws TrainingCancelledException if the calling thread is interrupted (nothing is published)
     */
    public TrainingReport train(KnowledgeBase kb, Path repository) {
        return train(kb, repository, () -> false);
    }

    /**
     * Like {@link #train(KnowledgeBase, Path)} beside a server in the same process: each step of the
     * training gives way while {@code servingBusy} says turns are waiting for the model (see
     * {@link TrainingPool}), so that an operator's KB edit does not push turns past their deadline.
     */
    TrainingReport train(KnowledgeBase kb, Path repository, BooleanSupplier servingBusy) {
        Objects.requireNonNull(kb, "kb");
        Objects.requireNonNull(repository, "repository");
        long start = System.nanoTime();
        String version = ModelRepository.nextVersion(repository, model);
        Path modelDir = repository.resolve(model);
        Path tmp = modelDir.resolve(".tmp-" + version + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            List<String> labels = new ArrayList<>(kb.intents().keySet());
            Files.write(tmp.resolve(ModelVersion.LABELS), labels, StandardCharsets.UTF_8);
            ObjectMapper json = new ObjectMapper();
            ObjectNode manifest = json.createObjectNode();
            manifest.put("format", 1).put("kind", ModelVersion.KIND_HEAD).put("model", model).put("version", version)
                    .put("labels", ModelVersion.LABELS).put("gate", "gate.jsonl")
                    .put("created", Instant.now().toString()).put("kb", kb.name())
                    .put("kbFingerprint", kb.fingerprint()).put(TRAINING_FINGERPRINT, trainingFingerprint(kb));
            ObjectNode encoders = manifest.putObject("encoders");
            ObjectNode heads = manifest.putObject("heads");
            ObjectNode metrics = manifest.putObject("metrics");
            Map<String, TrainingReport.DevMetrics> dev = new LinkedHashMap<>();
            List<LabeledText> gate = new ArrayList<>();
            int examples = 0;
            double headSeconds = 0;
            ServingPacer pacer = new ServingPacer(servingBusy, System::nanoTime);
            for (Language language : Language.values()) {
                String code = language.code();
                String[] refs = encoderRefs(language);
                encoders.putObject(code).put("onnx", refs[0]).put("tokenizer", refs[1]).put("pooling", "cls")
                        .put("maxTokens", MAX_TOKENS);
                checkNotCancelled();
                progress.printf("[%s] loading encoder %s%n", code, refs[0]);
                LanguageResult r;
                try (TrainingPool pool = new TrainingPool(intraOpThreads, pacer);
                        Encoder encoder = new Encoder(Resources.read(refs[0], tmp), Resources.read(refs[1], tmp),
                                Encoder.Pooling.CLS, MAX_TOKENS, 1)) {
                    r = trainLanguage(kb, language, labels, encoder, pool);
                } catch (OrtException e) {
                    throw new IllegalStateException("the " + code + " encoder failed: " + e.getMessage(), e);
                }
                String headFile = "head-" + code + ".bin";
                try (OutputStream out = Files.newOutputStream(tmp.resolve(headFile))) {
                    r.bundle.write(out);
                }
                heads.put(code, headFile);
                dev.put(code, r.metrics);
                gate.addAll(r.gate);
                examples += r.examples;
                headSeconds += r.headSeconds;
                metrics.putObject("dev_" + code).put("accuracy", r.metrics.accuracy())
                        .put("oos_recall", r.metrics.oosRecall()).put("false_fallback", r.metrics.falseFallback())
                        .put("macro_f1", r.metrics.macroF1()).put("n", r.metrics.inScope())
                        .put("n_oos", r.metrics.outOfScope());
            }
            if (pacer.pausedNanos() > 0) {
                progress.printf(java.util.Locale.ROOT, "gave way to turns for %.1f s%n", pacer.pausedNanos() / 1e9);
            }
            LabeledText.writeJsonl(tmp.resolve("gate.jsonl"), gate);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            metrics.put("train_seconds", elapsed.toMillis() / 1000.0).put("examples", examples)
                    .put("head_seconds", Math.round(headSeconds * 10) / 10.0);
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(ModelVersion.MANIFEST).toFile(), manifest);
            Path target = modelDir.resolve(version);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            TrainingReport report = new TrainingReport(version, target, examples, dev, elapsed);
            progress.println(report);
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model version under " + modelDir, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private record Example(String text, int label) {}

    /** Training runs for seconds: a thread that was interrupted (a closing {@link ModelLifecycle}) stops early. */
    private static void checkNotCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new TrainingCancelledException();
        }
    }

    private record LanguageResult(HeadBundle bundle, TrainingReport.DevMetrics metrics, List<LabeledText> gate,
            int examples, double headSeconds) {}

    /**
     * At most {@link #ANSWER_SENTENCES} sentences of an intent's answers, taken in turn from each
     * variant and language (the first sentence of every variant, then the second, ...), so that an
     * intent with many answer variants does not outweigh the others in the head: the demo KB's
     * leave policy (25 variants) had 98 answer sentences against 6 for most intents, and a 5-example
     * KB read one English question in eleven of eval/dev-en-hard.jsonl as leave.
     */
    static List<String> answerSentences(Intent intent, Language[] languages) {
        List<List<String>> perVariant = new ArrayList<>();
        for (dev.ivbot.kb.AnswerVariant a : intent.answers()) {
            for (Language l : languages) {
                List<String> sentences = new ArrayList<>();
                for (String sentence : SENTENCE_BREAK.split(a.text().in(l))) {
                    String n = TextNormalizer.normalize(sentence);
                    if (n.length() >= 4 && !n.contains("{")) {
                        sentences.add(n);
                    }
                }
                perVariant.add(sentences);
            }
        }
        List<String> taken = new ArrayList<>();
        for (int i = 0; taken.size() < ANSWER_SENTENCES; i++) {
            boolean any = false;
            for (List<String> sentences : perVariant) {
                if (i < sentences.size() && taken.size() < ANSWER_SENTENCES) {
                    taken.add(sentences.get(i));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return taken;
    }

    private LanguageResult trainLanguage(KnowledgeBase kb, Language language, List<String> labels, Encoder encoder,
            TrainingPool pool) {
        Random random = new Random(seed + language.ordinal());
        int oos = labels.size();
        List<String> classes = new ArrayList<>(labels);
        classes.add(HeadBundle.OOS);
        // own: this language's examples and the off-topic background, which the folds hold out in turn;
        // extra: always trained on, never held out (the other language's examples, the intent titles)
        List<Example> own = new ArrayList<>();
        List<Example> extra = new ArrayList<>();
        Language otherLanguage = language == Language.ZH ? Language.EN : Language.ZH;
        for (int c = 0; c < labels.size(); c++) {
            Intent intent = kb.intent(labels.get(c)).orElseThrow();
            for (String t : intent.examples(language)) {
                own.add(new Example(TextNormalizer.normalize(t), c));
            }
            if (intent.examples(language).size() >= BORROW_BELOW) {
                continue; // enough of its own: borrowing would only lengthen training
            }
            if (crossLingual) {
                for (String t : intent.examples(otherLanguage)) {
                    extra.add(new Example(TextNormalizer.normalize(t), c));
                }
            }
            if (titles) {
                extra.add(new Example(TextNormalizer.normalize(intent.title().in(language)), c));
            }
            if (answers) {
                for (String sentence : answerSentences(intent, crossLingual ? Language.values() : new Language[] {language})) {
                    extra.add(new Example(sentence, c));
                }
            }
        }
        for (String t : Resources.lines("/dev/ivbot/onnx/oos-" + language.code() + ".txt")) {
            own.add(new Example(TextNormalizer.normalize(t), oos));
        }
        List<Example> external = new ArrayList<>();
        for (LabeledText t : devSet) {
            if (t.language() == language) {
                int label = t.outOfScope() ? oos : labels.indexOf(t.intent());
                if (label >= 0) {
                    external.add(new Example(TextNormalizer.normalize(t.text()), label));
                }
            }
        }
        int intentsHere = 0;
        for (String label : labels) {
            intentsHere += kb.intent(label).orElseThrow().examples(language).isEmpty() ? 0 : 1;
        }
        // a large enough external dev set calibrates alone: the KB keeps every example and one head is trained
        boolean externalDev = intentsHere > 0 && external.size() >= DEV_LINES_PER_INTENT * intentsHere;
        // cross-validation pays where a language has a few examples of its own; with none (an English
        // KB's Chinese head, trained on borrowed examples) the folds would hold out only off-topic
        // lines, so one held-out split calibrates at a third of the cost
        int folds = externalDev ? 0 : own.size() > CV_LIMIT || intentsHere == 0 ? 1 : CV_FOLDS;
        int[] fold = assignFolds(own, classes.size(), folds, random);

        Augmenter augmenter = new Augmenter(kb);
        Map<Example, List<String>> variants = new HashMap<>();
        for (Example e : own) {
            variants.computeIfAbsent(e, k -> variantsOf(k, augmenter, oos, random));
        }
        for (Example e : extra) {
            variants.computeIfAbsent(e, k -> variantsOf(k, augmenter, oos, random));
        }
        List<Example> everything = new ArrayList<>(own);
        everything.addAll(extra);
        List<Example> finalTrain = withVariants(everything, variants);
        progress.printf("[%s] %d training utterances (%d from the KB and off-topic list, the rest augmented), "
                + "%s%n", language.code(), finalTrain.size(), everything.size(), externalDev
                        ? external.size() + " dev lines from --dev (one head on every KB example)"
                        : folds == 1 ? "one held-out split for calibration" : folds + "-fold calibration");

        Map<String, float[]> cache = new HashMap<>();
        long embedStart = System.nanoTime();
        embedAll(encoder, finalTrain, cache, language, pool);
        embedAll(encoder, external, cache, language, pool);
        progress.printf(java.util.Locale.ROOT, "[%s] encoded %d texts in %.1f s%n", language.code(), cache.size(),
                (System.nanoTime() - embedStart) / 1e9);

        // calibration data: every own example scored by a head that did not train on it (out of fold),
        // plus the external dev lines scored by the last fold's head
        long headStart = System.nanoTime();
        int rounds = Math.max(folds, 1);
        List<List<Example>> trainSets = new ArrayList<>();
        List<List<Example>> heldSets = new ArrayList<>();
        for (int f = 0; f < rounds; f++) {
            List<Example> trainF = new ArrayList<>();
            List<Example> heldF = new ArrayList<>();
            for (int i = 0; i < own.size(); i++) {
                (folds > 0 && fold[i] == f ? heldF : trainF).add(own.get(i));
            }
            trainF.addAll(extra);
            if (f == rounds - 1) {
                heldF.addAll(external);
            }
            trainSets.add(trainF);
            heldSets.add(heldF);
        }
        // the fold heads and the final head are independent fits: they run side by side, one per core
        List<Callable<HeadBundle>> fits = new ArrayList<>();
        for (List<Example> trainF : trainSets) {
            fits.add(() -> fit(withVariants(trainF, variants), classes, cache, pool).withAnchors(anchors(trainF, oos, cache), 1));
        }
        if (folds > 0) {
            fits.add(() -> fit(finalTrain, classes, cache, pool).withAnchors(anchors(everything, oos, cache), 1));
        }
        List<HeadBundle> heads = pool.all(fits);
        List<Example> scored = new ArrayList<>();
        List<double[]> scoredHead = new ArrayList<>();
        List<double[]> scoredSim = new ArrayList<>();
        for (int f = 0; f < rounds; f++) {
            HeadBundle head = heads.get(f);
            for (Example e : heldSets.get(f)) {
                float[] embedding = embedded(cache, e.text);
                scored.add(e);
                scoredHead.add(head.headLogits(embedding, e.text));
                scoredSim.add(head.anchorSimilarities(embedding));
            }
        }
        Calibration cal = calibrate(scored, scoredHead, scoredSim, labels, oos, kb.settings());
        Scoring.Figures best = cal.figures();
        progress.printf(java.util.Locale.ROOT, "[%s] calibration (%d questions): accuracy=%.4f oos_recall=%.4f "
                + "false_fallback=%.4f macro_f1=%.4f (temperature %.2f, oos bias %.1f, anchor weight %.0f)%n",
                language.code(), scored.size(), best.accuracy(), best.oosRecall(), best.falseFallback(),
                best.macroF1(), cal.temperature(), cal.oosBias(), cal.anchorWeight());

        HeadBundle bundle = heads.get(heads.size() - 1);
        bundle = bundle.withCalibration(cal.temperature(), cal.oosBias()).withAnchors(bundle.anchors(),
                cal.anchorWeight());
        double headSeconds = (System.nanoTime() - headStart) / 1e9;
        progress.printf(java.util.Locale.ROOT, "[%s] heads trained in %.1f s%n", language.code(), headSeconds);
        List<LabeledText> gate = new ArrayList<>();
        if (externalDev) {
            for (LabeledText t : devSet) {
                if (t.language() == language) {
                    gate.add(t);
                }
            }
        } else {
            for (int i = 0; i < own.size(); i++) {
                if (fold[i] == 0) {
                    Example e = own.get(i);
                    gate.add(new LabeledText(e.text, e.label == oos ? LabeledText.OOS : labels.get(e.label), language));
                }
            }
        }
        TrainingReport.DevMetrics metrics = new TrainingReport.DevMetrics(best.accuracy(), best.oosRecall(),
                best.falseFallback(), best.macroF1(), cal.temperature(), cal.oosBias(), best.inScope(),
                best.outOfScope());
        return new LanguageResult(bundle, metrics, gate, finalTrain.size(), headSeconds);
    }

    private record Calibration(double temperature, double oosBias, double anchorWeight, Scoring.Figures figures) {}

    /** The temperature, out-of-scope bias and anchor weight that the engine's policy likes best on held-out scores. */
    private static Calibration calibrate(List<Example> scored, List<double[]> head, List<double[]> sim,
            List<String> labels, int oos, KnowledgeBase.Settings settings) {
        List<String> expected = new ArrayList<>();
        for (Example e : scored) {
            expected.add(e.label == oos ? LabeledText.OOS : labels.get(e.label));
        }
        double threshold = settings.confidenceThreshold();
        double margin = settings.clarifyMargin();
        Calibration best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (double aw : ANCHOR_WEIGHTS) {
            List<double[]> logits = new ArrayList<>();
            for (int i = 0; i < head.size(); i++) {
                double[] z = head.get(i).clone();
                double[] s = sim.get(i);
                for (int c = 0; c < z.length; c++) {
                    z[c] += aw * s[c];
                }
                logits.add(z);
            }
            for (double t : TEMPERATURES) {
                for (double bias : OOS_BIASES) {
                    List<@Nullable String> answered = new ArrayList<>();
                    for (double[] z : logits) {
                        double[] p = z.clone();
                        p[oos] += bias;
                        answered.add(Scoring.answered(rank(LinearHead.softmax(p, t), labels), threshold, margin));
                    }
                    Scoring.Figures f = Scoring.figures(expected, answered, LabeledText.OOS);
                    // in-scope accuracy first, then OOS recall; a false fallback is worse than a missed OOS
                    double score = f.accuracy() + 0.5 * f.oosRecall() - 2 * Math.max(0, f.falseFallback() - 0.02)
                            - 0.001 * Math.abs(Math.log(t)) - 0.0005 * Math.abs(bias) - 0.0002 * aw;
                    if (score > bestScore) {
                        bestScore = score;
                        best = new Calibration(t, bias, aw, f);
                    }
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no calibration scored above -infinity: the held-out scores are not numbers");
        }
        return best;
    }

    /**
     * Stratified folds: each class's examples shuffled and dealt round-robin, so that every fold
     * holds out about the same share of every intent. One fold: the old single held-out split
     * ({@code devFraction} of each class with at least 5 examples, the rest never held out: -1).
     */
    private int[] assignFolds(List<Example> own, int classCount, int folds, Random random) {
        int[] fold = new int[own.size()];
        java.util.Arrays.fill(fold, -1);
        if (folds == 0) {
            return fold;
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classCount; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < own.size(); i++) {
            byClass.get(own.get(i).label).add(i);
        }
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            int nDev = members.size() < 5 ? 0 : (int) Math.round(members.size() * devFraction);
            for (int k = 0; k < members.size(); k++) {
                fold[members.get(k)] = folds == 1 ? (k < nDev ? 0 : -1) : k % folds;
            }
        }
        return fold;
    }

    private List<String> variantsOf(Example e, Augmenter augmenter, int oos, Random random) {
        return augmentPerExample == 0 || e.label == oos ? List.of()
                : augmenter.variants(e.text, e.label, augmentPerExample, random);
    }

    private static List<Example> withVariants(List<Example> examples, Map<Example, List<String>> variants) {
        List<Example> out = new ArrayList<>(examples);
        for (Example e : examples) {
            for (String v : variants.getOrDefault(e, List.of())) {
                out.add(new Example(v, e.label));
            }
        }
        return out;
    }

    /** The KB's own examples (not the augmented variants) as anchors; never the off-topic lines. */
    private static HeadBundle.Anchors anchors(List<Example> examples, int oos, Map<String, float[]> cache) {
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Example e : examples) {
            if (e.label != oos && seen.add(e.label + "\u0000" + e.text)) {
                vectors.add(cache.get(e.text));
                labels.add(e.label);
            }
        }
        int[] l = new int[labels.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.get(i);
        }
        return new HeadBundle.Anchors(vectors.toArray(new float[0][]), l);
    }

    private int countExternal(Language language) {
        int n = 0;
        for (LabeledText t : devSet) {
            if (t.language() == language) {
                n++;
            }
        }
        return n;
    }

    private void embedAll(Encoder encoder, List<Example> examples, Map<String, float[]> cache, Language language,
            TrainingPool pool) {
        List<String> texts = new ArrayList<>();
        for (Example e : examples) {
            texts.add(e.text);
        }
        embed(encoder, texts, cache, progress, language, pool);
    }

    /**
     * Adds the embedding of each text not yet in {@code cache}, in batches of 32 run side by side on
     * {@code pool}, with a progress line every 20 batches; stops when the thread is interrupted.
     */
    static void embed(Encoder encoder, List<String> texts, Map<String, float[]> cache, PrintStream progress,
            Language language, TrainingPool pool) {
        java.util.LinkedHashSet<String> pending = new java.util.LinkedHashSet<>();
        for (String t : texts) {
            if (!cache.containsKey(t)) {
                pending.add(t);
            }
        }
        List<String> todo = new ArrayList<>(pending);
        // a batch is padded to its longest text: batching similar lengths saves most of the padding
        // (answer sentences are several times longer than questions)
        todo.sort(java.util.Comparator.comparingInt(String::length));
        java.util.concurrent.atomic.AtomicInteger batchesDone = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger textsDone = new java.util.concurrent.atomic.AtomicInteger();
        List<Callable<float[][]>> batches = new ArrayList<>();
        for (int i = 0; i < todo.size(); i += 32) {
            List<String> batch = todo.subList(i, Math.min(todo.size(), i + 32));
            batches.add(() -> {
                pool.pacer().yieldToServing();
                float[][] rows;
                try {
                    rows = encoder.embed(batch);
                } catch (OrtException e) {
                    throw new IllegalStateException("the " + language.code() + " encoder failed: " + e.getMessage(), e);
                }
                int embedded = textsDone.addAndGet(batch.size());
                if (batchesDone.incrementAndGet() % 20 == 0) {
                    progress.printf("[%s] embedded %d/%d%n", language.code(), embedded, todo.size());
                }
                return rows;
            });
        }
        List<float[][]> rows = pool.all(batches);
        for (int b = 0; b < rows.size(); b++) {
            for (int j = 0; j < rows.get(b).length; j++) {
                cache.put(todo.get(b * 32 + j), rows.get(b)[j]);
            }
        }
    }

    private HeadBundle fit(List<Example> examples, List<String> classes, Map<String, float[]> cache, TrainingPool pool) {
        List<String> texts = new ArrayList<>();
        for (Example e : examples) {
            texts.add(e.text);
        }
        TextFeatures features = TextFeatures.fit(texts);
        List<float[]> emb = new ArrayList<>();
        List<TextFeatures.Sparse> sparse = new ArrayList<>();
        int[] y = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            emb.add(cache.get(examples.get(i).text));
            sparse.add(features.vector(examples.get(i).text));
            y[i] = examples.get(i).label;
        }
        LinearHead.Options o = headOptions;
        if (!scheduleSet && examples.size() > LARGE_DATA) {
            o = new LinearHead.Options(LARGE_EPOCHS, o.batchSize(), LARGE_LEARNING_RATE, o.weightDecay(), o.denseScale(),
                    o.sparseScale(), o.seed());
        }
        LinearHead head = LinearHead.train(emb, sparse, y, classes.size(), features.size(), o, pool.pacer()::yieldToServing);
        return new HeadBundle(classes, features, head, 1.0, 0.0);
    }

    private static Classification rank(double[] p, List<String> labels) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        if (best >= labels.size()) {
            return Classification.none("trial");
        }
        List<dev.ivbot.spi.ScoredIntent> ranked = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            ranked.add(new dev.ivbot.spi.ScoredIntent(labels.get(i), p[i]));
        }
        ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
        return new Classification(ranked.subList(0, Math.min(5, ranked.size())), "trial");
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover dot-folder is ignored by the repository
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    /**
     * Options for a {@link ModelTrainer}; each setter checks its argument and names it. Not
     * thread-safe; {@link #build()} leaves it reusable.
     */
    public static final class Builder {
        private String model = ModelRepository.DEFAULT_MODEL;
        private PrintStream progress = new PrintStream(OutputStream.nullOutputStream());
        private double devFraction = 0.2;
        private long seed = 42;
        private int augmentPerExample = 2;
        private int intraOpThreads = Runtime.getRuntime().availableProcessors();
        private List<LabeledText> devSet = List.of();
        private int epochs = LinearHead.Options.DEFAULT.epochs();
        private double learningRate = LinearHead.Options.DEFAULT.learningRate();
        private double weightDecay = LinearHead.Options.DEFAULT.weightDecay();
        private boolean scheduleSet;
        private boolean crossLingual = true;
        private boolean titles = true;
        private boolean answers = true;

        private Builder() {}

        /**
         * Whether each language's head also trains on the other language's examples of the same
         * intent (the Chinese encoder reads English too); default true.
         */
        public Builder crossLingual(boolean crossLingual) {
            this.crossLingual = crossLingual;
            return this;
        }

        /**
         * Whether the sentences of each intent's answers count as examples of it (they name what
         * the intent is about: "股票" in the salary answer, "shuttle" in the allowances one); default
         * true. Answers are read when a version is trained: an edit of an answer alone is served at
         * once and does not retrain (it leaves {@link KnowledgeBase#trainingFingerprint()} as it is).
         */
        public Builder answersAsExamples(boolean answers) {
            this.answers = answers;
            return this;
        }

        /** Whether each intent's title counts as one more example; default true. */
        public Builder titlesAsExamples(boolean titles) {
            this.titles = titles;
            return this;
        }

        /** The model's folder name in the repository; default {@value ModelRepository#DEFAULT_MODEL}. */
        public Builder model(String model) {
            this.model = ModelRepository.checkModelName(model);
            return this;
        }

        /** Where progress lines and the dev report go; default nowhere. */
        public Builder progress(PrintStream progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Share of each intent's examples held out to choose the calibration; default 0.2. */
        public Builder devFraction(double devFraction) {
            if (!(devFraction >= 0 && devFraction < 0.5)) {
                throw new IllegalArgumentException("devFraction must be in [0, 0.5), was " + devFraction);
            }
            this.devFraction = devFraction;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Slot-substituted variants per example; default 2, 0 turns augmentation off. */
        public Builder augmentPerExample(int n) {
            if (n < 0 || n > 20) {
                throw new IllegalArgumentException("augmentPerExample must be in [0, 20], was " + n);
            }
            this.augmentPerExample = n;
            return this;
        }

        /**
         * Threads for the encoder's operators and for the head fits, which run side by side (the
         * cross-validation folds and the final head); default the number of processors.
         */
        public Builder intraOpThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * Extra labelled questions (for example {@code eval/dev.jsonl}) that join the dev split for
         * choosing the calibration. Never trained on. A language whose dev lines number at least
         * {@value ModelTrainer#DEV_LINES_PER_INTENT} per intent (a public dataset's validation split)
         * is calibrated on them alone: no KB examples are held out, one head is trained on all of
         * them, and the dev lines become the version's gate set.
         */
        public Builder devSet(List<LabeledText> devSet) {
            this.devSet = List.copyOf(Objects.requireNonNull(devSet, "devSet"));
            return this;
        }

        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
            }
            this.epochs = epochs;
            this.scheduleSet = true;
            return this;
        }

        public Builder learningRate(double learningRate) {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be positive, was " + learningRate);
            }
            this.learningRate = learningRate;
            this.scheduleSet = true;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must not be negative, was " + weightDecay);
            }
            this.weightDecay = weightDecay;
            return this;
        }

        public ModelTrainer build() {
            return new ModelTrainer(this);
        }
    }
}
