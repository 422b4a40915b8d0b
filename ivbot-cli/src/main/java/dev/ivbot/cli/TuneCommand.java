package dev.ivbot.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.Hybrid;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.SessionStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ivbot tune}: chooses the KB's {@code confidence_threshold} and {@code clarify_margin} on
 * a labelled validation file and (with {@code --write}) stores them in the KB's {@code kb.yaml}.
 *
 * <p>Procedure: every validation line is classified once; then, for every pair on the grid
 * (threshold 0.00 to 0.95 in steps of 0.025, margins from {@code --margins}), a {@link DialogEngine}
 * with those settings answers every line from the remembered classifications, and the reply is
 * scored as {@code ./ivbot eval} scores it. The pair with the best objective wins:
 * <ul>
 *   <li>{@code overall} (default): accuracy over all lines with out-of-scope as one more class,
 *       the criterion Larson et al. 2019 (§3.2) use to pick their oos-threshold;</li>
 *   <li>{@code sum}: in-scope accuracy + out-of-scope recall, which weighs the (usually few)
 *       out-of-scope lines as much as all in-scope ones together.</li>
 * </ul>
 * Without out-of-scope lines both are in-scope accuracy.
 * Ties go to the pair closest to the current settings. Never give it test data.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Choose confidence_threshold and clarify_margin on a labelled validation file (never the test file); --write stores them in the KB's kb.yaml.")
final class TuneCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled validation file (JSON Lines, single turns).")
    Path data;

    @Option(names = "--objective", paramLabel = "overall|sum", defaultValue = "overall",
            description = "overall: accuracy with OOS as one more class (Larson et al. 2019, default); sum: in-scope accuracy + OOS recall.")
    String objective;

    @Option(names = "--margins", paramLabel = "LIST", split = ",", defaultValue = "0,0.05,0.1,0.15",
            description = "clarify_margin values to try (default: ${DEFAULT-VALUE}).")
    List<Double> margins;

    @Option(names = "--curve", description = "Print every grid point.")
    boolean curve;

    @Option(names = "--write", description = "Write the chosen values into the KB's kb.yaml settings.")
    boolean write;

    /** One scored grid point. */
    record Point(double threshold, double margin, double accuracy, double oosRecall, double overall, double score) {}

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (!objective.equals("sum") && !objective.equals("overall")) {
            throw new IllegalArgumentException("--objective must be overall or sum, was '" + objective + "'");
        }
        EvalData.File file = EvalData.read(data);
        if (file.isDialogs() || file.turns().isEmpty()) {
            throw new IllegalArgumentException(data + ": tune needs a file of single turns");
        }
        KnowledgeBase kb = options.loadKnowledgeBase();
        List<EvalData.Case> cases = file.turns();
        // the classifier the engine would use, built once; its rankings are remembered after the first pass
        Memo memo = new Memo(buildPrimary(kb));
        try {
            List<Point> points = new ArrayList<>();
            KnowledgeBase.Settings current = kb.settings();
            Point best = null;
            long start = System.nanoTime();
            for (double margin : margins) {
                for (int step = 0; step <= 38; step++) {
                    double threshold = step * 0.025;
                    Point p = score(kb.withSettings(new KnowledgeBase.Settings(threshold, margin)), memo, cases);
                    points.add(p);
                    if (best == null || p.score() > best.score() + 1e-12 || (Math.abs(p.score() - best.score()) <= 1e-12
                            && distance(p, current) < distance(best, current))) {
                        best = p;
                    }
                }
            }
            if (best == null) {
                throw new IllegalStateException("the threshold grid is empty");
            }
            if (curve) {
                for (Point p : points) {
                    out.printf(Locale.ROOT, "  threshold=%.3f margin=%.3f in_scope_accuracy=%.4f oos_recall=%s overall=%.4f%n",
                            p.threshold(), p.margin(), p.accuracy(), fmt(p.oosRecall()), p.overall());
                }
            }
            Point now = score(kb, memo, cases);
            out.printf(Locale.ROOT, "tune: %d lines, %d grid points in %.1f s, objective %s%n", cases.size(),
                    points.size(), (System.nanoTime() - start) / 1e9, objective);
            out.printf(Locale.ROOT, "current  threshold=%.3f margin=%.3f: in_scope_accuracy=%.4f oos_recall=%s "
                    + "overall=%.4f%n", now.threshold(), now.margin(), now.accuracy(), fmt(now.oosRecall()), now.overall());
            out.printf(Locale.ROOT, "chosen   threshold=%.3f margin=%.3f: in_scope_accuracy=%.4f oos_recall=%s "
                    + "overall=%.4f%n", best.threshold(), best.margin(), best.accuracy(), fmt(best.oosRecall()),
                    best.overall());
            if (write) {
                Path manifest = writeSettings(options.kbPath(), best.threshold(), best.margin());
                out.println("wrote settings to " + manifest);
            }
            out.printf(Locale.ROOT, "confidence_threshold=%.3f clarify_margin=%.3f%n", best.threshold(), best.margin());
        } finally {
            memo.delegate.close();
            options.close();
        }
        return 0;
    }

    /** The engine's primary classifier for {@code --classifier}, as {@link EngineOptions#engineBuilder} wires it. */
    private IntentClassifier buildPrimary(KnowledgeBase kb) {
        String kind = options.classifierName();
        if (kind.equals("rules")) {
            return RuleClassifier.create(kb);
        }
        Path repository = options.modelRepository(kb);
        OnnxIntentClassifier model = options.own(ClassifierSetup.model(kb, repository, System.err));
        if (kind.equals("onnx")) {
            return model;
        }
        return Hybrid.classifier(model, RuleClassifier.factory(), kb, Hybrid.MODEL_WEIGHT);
    }

    private Point score(KnowledgeBase kb, Memo memo, List<EvalData.Case> cases) {
        int in = 0, correct = 0, oos = 0, caught = 0;
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(kb).sessionStore(SessionStore.inMemory())
                .primaryClassifier(memo).classificationCacheSize(0).classifierDeadline(Duration.ofMinutes(5));
        try (DialogEngine engine = builder.build()) {
            int n = 0;
            for (EvalData.Case c : cases) {
                Reply reply = engine.chat(ChatRequest.of("tune", "tune-" + (++n), c.text()));
                if (c.intent().equals(EvalData.OOS)) {
                    oos++;
                    caught += reply.isFallback() ? 1 : 0;
                } else {
                    in++;
                    correct += !reply.isFallback() && c.intent().equals(reply.intent()) ? 1 : 0;
                }
            }
        }
        double accuracy = in == 0 ? 0 : (double) correct / in;
        double recall = oos == 0 ? Double.NaN : (double) caught / oos;
        double overall = (double) (correct + caught) / (in + oos);
        double s = objective.equals("overall") ? overall : accuracy + (oos == 0 ? 0 : recall);
        return new Point(kb.settings().confidenceThreshold(), kb.settings().clarifyMargin(), accuracy, recall, overall, s);
    }

    private static double distance(Point p, KnowledgeBase.Settings s) {
        return Math.abs(p.threshold() - s.confidenceThreshold()) + Math.abs(p.margin() - s.clarifyMargin());
    }

    /** Sets {@code settings.confidence_threshold} and {@code clarify_margin} in the KB's manifest. */
    static Path writeSettings(Path kbPath, double threshold, double margin) {
        Path manifest = Files.isDirectory(kbPath) ? kbPath.resolve("kb.yaml") : kbPath;
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());
        try {
            ObjectNode root = Files.exists(manifest) && Files.size(manifest) > 0
                    ? (ObjectNode) yaml.readTree(manifest.toFile()) : yaml.createObjectNode();
            ObjectNode settings = root.has("settings") && root.get("settings").isObject()
                    ? (ObjectNode) root.get("settings") : root.putObject("settings");
            settings.put("confidence_threshold", Math.round(threshold * 1000) / 1000.0);
            settings.put("clarify_margin", Math.round(margin * 1000) / 1000.0);
            yaml.writeValue(manifest.toFile(), root);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + manifest, e);
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Remembers each input's ranking, so that every grid point sees the same classifications. */
    static final class Memo implements IntentClassifier {
        final IntentClassifier delegate;
        private final Map<String, Classification> seen = new ConcurrentHashMap<>();

        Memo(IntentClassifier delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public Source source() {
            return delegate.source();
        }

        @Override
        public Classification classify(ClassifierInput input) {
            return seen.computeIfAbsent(input.language() + "\u0000" + input.normalized(), k -> delegate.classify(input));
        }

        @Override
        public CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
            return delegate.classifyFollowUpAsync(followUp, executor);
        }

        @Override
        public boolean isNonBlocking() {
            return true; // the first pass blocks on the model; the deadline is set far out for it
        }

        @Override
        public void close() {
            // the delegate outlives the per-grid-point engines; TuneCommand closes it
        }
    }
}
