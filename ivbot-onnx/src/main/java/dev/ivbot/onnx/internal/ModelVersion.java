package dev.ivbot.onnx.internal;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.Language;
import dev.ivbot.onnx.LabeledText;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.onnx.ModelLoadException;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.ScoredIntent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One loaded model version: its ONNX sessions, tokenizers, heads and labels. Reference counted: the
 * repository holds one reference while the version serves, each batch holds one while it runs, and
 * the native sessions close when the last is released, so a batch in flight during a swap finishes
 * on the version it started with.
 *
 * <p>Thread-safe.
 */
public final class ModelVersion {
    public static final String MANIFEST = "manifest.json";
    public static final String LABELS = "labels.txt";
    public static final String KIND_HEAD = "head";
    public static final String KIND_LOGITS = "logits";
    private static final int TOP_K = 5;
    /** About 16 MB of 512-dimension embeddings per version. */
    static final int EMBEDDINGS_CACHED = 8_192;

    private final String version;
    private final Path dir;
    private final JsonNode manifest;
    private final List<String> labels;
    /** The labels as a set, built once: the hybrid blend asks for it on every turn. */
    private final java.util.Set<String> labelSet;
    private final Map<String, Encoder> encoders;
    private final Map<String, HeadBundle> heads;
    private final double logitsTemperature;
    private final AtomicInteger refs = new AtomicInteger(1);
    /**
     * Recent texts' embeddings by encoder and normalised text: a follow-up's reading in context is
     * composed from the turn's and the topic question's, both read in earlier passes (a turn's topic
     * question is a recent turn of the same session).
     */
    private final Cache<String, float[]> embeddings =
            Caffeine.newBuilder().maximumSize(EMBEDDINGS_CACHED).executor(Runnable::run).build();

    private ModelVersion(String version, Path dir, JsonNode manifest, List<String> labels, Map<String, Encoder> encoders,
            Map<String, HeadBundle> heads, double logitsTemperature) {
        this.version = version;
        this.dir = dir;
        this.manifest = manifest;
        this.labels = List.copyOf(labels);
        this.labelSet = java.util.Set.copyOf(labels);
        this.encoders = encoders;
        this.heads = heads;
        this.logitsTemperature = logitsTemperature;
    }

    /**
     * Loads a version folder: a {@code manifest.json} written by the trainer, or a fine-tuned
     * sequence-classification export ({@code model.onnx}, {@code tokenizer.json}, {@code labels.txt}).
     *
     * @throws ModelLoadException with the reason, after closing whatever was opened
     */
    public static ModelVersion load(Path dir, int intraOpThreads) {
        String version = dir.getFileName().toString();
        Map<String, Encoder> encoders = new LinkedHashMap<>();
        try {
            JsonNode manifest = readManifest(dir);
            List<String> labels = readLabels(dir.resolve(manifest.path("labels").asText(LABELS)), version);
            String kind = manifest.path("kind").asText(KIND_HEAD);
            Map<String, Encoder> byReference = new HashMap<>();
            for (Map.Entry<String, JsonNode> e : iterable(manifest.path("encoders"))) {
                JsonNode spec = e.getValue();
                String onnx = spec.path("onnx").asText();
                String tokenizer = spec.path("tokenizer").asText();
                String key = onnx + "|" + tokenizer;
                Encoder encoder = byReference.get(key);
                if (encoder == null) {
                    byte[] model = read(onnx, dir, version, "ONNX model");
                    byte[] tok = read(tokenizer, dir, version, "tokenizer");
                    Encoder.Pooling pooling = Encoder.Pooling.valueOf(spec.path("pooling").asText("cls").toUpperCase());
                    try {
                        encoder = new Encoder(model, tok, pooling, spec.path("maxTokens").asInt(64), intraOpThreads);
                    } catch (OrtException ex) {
                        throw new ModelLoadException(version, "the ONNX file " + onnx + " cannot be loaded ("
                                + Encoder.firstLine(ex.getMessage()) + ")", ex);
                    } catch (IllegalArgumentException ex) {
                        throw new ModelLoadException(version, Encoder.firstLine(ex.getMessage()), ex);
                    }
                    byReference.put(key, encoder);
                }
                encoders.put(e.getKey(), encoder);
            }
            if (encoders.isEmpty()) {
                throw new ModelLoadException(version, "the manifest names no encoder");
            }
            Map<String, HeadBundle> heads = new HashMap<>();
            if (KIND_LOGITS.equals(kind)) {
                for (Map.Entry<String, Encoder> e : encoders.entrySet()) {
                    if (!e.getValue().producesLogits()) {
                        throw new ModelLoadException(version, "encoder '" + e.getKey()
                                + "' outputs token states, not logits; a sequence-classification export is expected");
                    }
                    if (e.getValue().width() != labels.size()) {
                        throw new ModelLoadException(version, "the model outputs " + e.getValue().width()
                                + " logits but " + LABELS + " has " + labels.size() + " labels");
                    }
                }
            } else if (KIND_HEAD.equals(kind)) {
                List<String> expected = new ArrayList<>(labels);
                expected.add(HeadBundle.OOS);
                for (Map.Entry<String, JsonNode> e : iterable(manifest.path("heads"))) {
                    Encoder encoder = encoders.get(e.getKey());
                    if (encoder == null) {
                        throw new ModelLoadException(version, "head '" + e.getKey() + "' has no encoder");
                    }
                    HeadBundle head;
                    try {
                        head = HeadBundle.read(new ByteArrayInputStream(read(e.getValue().asText(), dir, version, "head")));
                    } catch (IOException ex) {
                        throw new ModelLoadException(version, "head " + e.getValue().asText() + " is unreadable: "
                                + ex.getMessage(), ex);
                    }
                    if (!head.classes().equals(expected)) {
                        throw new ModelLoadException(version, "head " + e.getValue().asText()
                                + " was trained for other labels than " + LABELS);
                    }
                    if (head.head().denseSize() != encoder.width()) {
                        throw new ModelLoadException(version, "head " + e.getValue().asText() + " expects embeddings of "
                                + head.head().denseSize() + " but encoder '" + e.getKey() + "' gives " + encoder.width());
                    }
                    heads.put(e.getKey(), head);
                }
                for (String language : encoders.keySet()) {
                    if (!heads.containsKey(language)) {
                        throw new ModelLoadException(version, "encoder '" + language + "' has no head");
                    }
                }
            } else {
                throw new ModelLoadException(version, "unknown kind '" + kind + "' (expected head or logits)");
            }
            return new ModelVersion(version, dir, manifest, labels, encoders, heads,
                    manifest.path("temperature").asDouble(1.0));
        } catch (ModelLoadException e) {
            encoders.values().stream().distinct().forEach(Encoder::close);
            throw e;
        } catch (IOException | RuntimeException e) {
            encoders.values().stream().distinct().forEach(Encoder::close);
            throw new ModelLoadException(version, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private static JsonNode readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (Files.exists(file)) {
            return new ObjectMapper().readTree(file.toFile());
        }
        if (Files.exists(dir.resolve("model.onnx"))) {
            // a bare fine-tuned export: model.onnx + tokenizer.json + labels.txt
            ObjectMapper json = new ObjectMapper();
            var m = json.createObjectNode().put("kind", KIND_LOGITS);
            m.putObject("encoders").putObject("default").put("onnx", "model.onnx").put("tokenizer", "tokenizer.json");
            return m;
        }
        throw new NoSuchFileException(file + " (and no model.onnx)");
    }

    private static List<String> readLabels(Path file, String version) throws IOException {
        if (!Files.exists(file)) {
            throw new ModelLoadException(version, "missing labels file " + file.getFileName());
        }
        List<String> labels = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                labels.add(line.strip());
            }
        }
        if (labels.isEmpty()) {
            throw new ModelLoadException(version, "labels file " + file.getFileName() + " is empty");
        }
        if (labels.stream().distinct().count() != labels.size()) {
            throw new ModelLoadException(version, "labels file " + file.getFileName() + " repeats a label");
        }
        return labels;
    }

    private static byte[] read(String reference, Path dir, String version, String what) {
        if (reference.isEmpty()) {
            throw new ModelLoadException(version, "the manifest names no " + what + " file");
        }
        try {
            return Resources.read(reference, dir);
        } catch (IOException e) {
            throw new ModelLoadException(version, "cannot read the " + what + " " + reference + ": " + e.getMessage(), e);
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    public String version() {
        return version;
    }

    public Path dir() {
        return dir;
    }

    public JsonNode manifest() {
        return manifest;
    }

    public java.util.Set<String> labelSet() {
        return labelSet;
    }

    public List<String> labels() {
        return labels;
    }

    /** The gate set the trainer stored with this version, or an empty list. */
    public List<LabeledText> gateSet() {
        String name = manifest.path("gate").asText("");
        Path file = dir.resolve(name);
        if (name.isEmpty() || !Files.exists(file)) {
            return List.of();
        }
        return LabeledText.readJsonl(file);
    }

    /** Takes a reference; false once the version is closed. */
    public boolean retain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the native sessions. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            encoders.values().stream().distinct().forEach(Encoder::close);
        }
    }

    public boolean isClosed() {
        return refs.get() <= 0;
    }

    private Encoder encoderFor(Language language) {
        Encoder e = encoders.get(language.code());
        if (e == null) {
            e = encoders.get("default");
        }
        return e != null ? e : encoders.values().iterator().next();
    }

    private String encoderKey(Language language) {
        if (encoders.containsKey(language.code())) {
            return language.code();
        }
        return encoders.containsKey("default") ? "default" : encoders.keySet().iterator().next();
    }

    /** Token count with the tokenizer that will see the text; used to batch similar lengths. */
    public int tokenCount(ClassifierInput input) {
        return encoderFor(input.language()).tokenCount(input.normalized());
    }

    /** Embeddings (or logits) of texts that share one language. */
    public float[][] embed(List<String> texts, Language language) throws OrtException {
        return encoderFor(language).embed(texts);
    }

    /** Calibrated probabilities over the head's classes (labels, then OOS for a trained head). */
    public double[] probabilities(float[] row, ClassifierInput input) {
        HeadBundle head = heads.get(encoderKey(input.language()));
        if (head == null) {
            double[] z = new double[row.length];
            for (int i = 0; i < row.length; i++) {
                z[i] = row[i];
            }
            return LinearHead.softmax(z, logitsTemperature);
        }
        return head.probabilities(row, input.normalized());
    }

    public @Nullable HeadBundle head(Language language) {
        return heads.get(encoderKey(language));
    }

    /** Classifies inputs that share one language, in one ONNX run. */
    public List<Classification> classify(List<ClassifierInput> inputs) throws OrtException {
        List<String> texts = new ArrayList<>(inputs.size());
        for (ClassifierInput in : inputs) {
            texts.add(in.normalized());
        }
        Language language = inputs.get(0).language();
        float[][] rows = embed(texts, language);
        boolean composes = composesFollowUps(language);
        List<Classification> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < rows.length; i++) {
            if (composes) {
                embeddings.put(embeddingKey(language, texts.get(i)), rows[i]);
            }
            out.add(rank(probabilities(rows[i], inputs.get(i))));
        }
        return out;
    }

    /**
     * True if this version reads a follow-up by composing embeddings: a trained head over sentence
     * embeddings. A fine-tuned logits export reads the joined text instead.
     */
    public boolean composesFollowUps(Language language) {
        return heads.containsKey(encoderKey(language));
    }

    /**
     * A follow-up's reading in context (see {@link #classifyFollowUps}) if both texts' embeddings are
     * cached, without an ONNX run; else null.
     */
    public @Nullable Classification followUpIfCached(ClassifierInput followUp) {
        float[] turn = embeddings.getIfPresent(embeddingKey(followUp.language(), followUp.normalized()));
        if (turn == null) {
            return null;
        }
        float[] topic = embeddings.getIfPresent(embeddingKey(followUp.language(), topicOf(followUp)));
        return topic == null ? null : composed(followUp, turn, topic);
    }

    /**
     * Reads follow-ups (of one language) in the context of their topic questions: the head scores
     * the mean of the turn's and the topic question's embeddings, with the lexical features of the
     * two joined. As accurate on eval/dialogs-dev.jsonl as a pass over the joined text (nine KBs,
     * docs/evaluation.md), and the two embeddings are usually cached already; the texts that are
     * not are read in one ONNX run.
     */
    public List<Classification> classifyFollowUps(List<ClassifierInput> followUps) throws OrtException {
        Language language = followUps.get(0).language();
        Map<String, float[]> known = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (ClassifierInput in : followUps) {
            for (String text : List.of(in.normalized(), topicOf(in))) {
                if (!known.containsKey(text) && !missing.contains(text)) {
                    float[] cached = embeddings.getIfPresent(embeddingKey(language, text));
                    if (cached == null) {
                        missing.add(text);
                    } else {
                        known.put(text, cached);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            float[][] rows = embed(missing, language);
            for (int i = 0; i < rows.length; i++) {
                known.put(missing.get(i), rows[i]);
                embeddings.put(embeddingKey(language, missing.get(i)), rows[i]);
            }
        }
        List<Classification> out = new ArrayList<>(followUps.size());
        for (ClassifierInput in : followUps) {
            out.add(composed(in, Objects.requireNonNull(known.get(in.normalized())),
                    Objects.requireNonNull(known.get(topicOf(in)))));
        }
        return out;
    }

    private Classification composed(ClassifierInput followUp, float[] turn, float[] topic) {
        float[] mean = new float[turn.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (turn[i] + topic[i]) / 2;
        }
        Vectors.normalize(mean);
        return rank(probabilities(mean, followUp.joinedWithTopic()));
    }

    private static String topicOf(ClassifierInput followUp) {
        String question = followUp.lastQuestion();
        if (question == null) {
            throw new IllegalArgumentException("a follow-up needs the question that set the topic");
        }
        return TextNormalizer.normalize(question);
    }

    private String embeddingKey(Language language, String normalized) {
        return encoderKey(language) + '\n' + normalized;
    }

    /** Best first, the KB's intents only; nothing when out-of-scope wins. */
    public Classification rank(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        if (best >= labels.size()) {
            return Classification.none(version);
        }
        Integer[] order = new Integer[labels.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]));
        List<ScoredIntent> ranked = new ArrayList<>(TOP_K);
        for (int k = 0; k < Math.min(TOP_K, order.length); k++) {
            ranked.add(new ScoredIntent(labels.get(order[k]), p[order[k]]));
        }
        // from the unrounded probabilities (a sure reading has the runner-up at 1e-20 or less)
        double logOdds = order.length < 2 ? Double.POSITIVE_INFINITY
                : Math.log(p[order[0]]) - Math.log(Math.max(p[order[1]], Double.MIN_VALUE));
        return new Classification(ranked, version, new Classification.Margin(labels.get(order[0]), logOdds));
    }
}
