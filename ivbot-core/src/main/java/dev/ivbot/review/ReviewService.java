package dev.ivbot.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ivbot.Language;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.review.internal.Agglomerative;
import dev.ivbot.review.internal.CharGrams;
import dev.ivbot.review.internal.KbCentering;
import dev.ivbot.review.internal.KbYamlEditor;
import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one API behind {@code ./ivbot review} and the example app's review page: it groups the
 * review queue into {@link ReviewCluster}s (average-linkage clustering of the serving encoder's
 * embeddings, cut at a distance threshold) and carries out an operator's decision on one: add its
 * questions as examples of an intent, make them a new intent, or dismiss them. An accepted decision
 * edits the KB's YAML in place (see {@link #addExamples}), checks that the KB still loads (else the
 * file is restored), removes the cluster's items from the queue, logs who did it, and hands the new
 * KB to {@link Builder#onChange} (a server's {@code KnowledgeBaseWatcher} also sees the file
 * change; the model lifecycle retrains, gates and swaps as for any example edit).
 *
 * <pre>{@code
 * ReviewService review = ReviewService.builder()
 *         .knowledgeBase(Path.of("examples/hr-demo-kb")).queue(queue).embedder(model::embed).build();
 * for (ReviewCluster c : review.clusters()) { ... }
 * review.createIntent(clusterId, new NewIntent("visa", "签证", "Visa", "...", "..."), "alice");
 * }</pre>
 *
 * <p>Thread-safe: mining and writes are serialised on the service.
 */
public final class ReviewService {
    /**
     * Questions closer than this (average cosine distance of the encoder's embeddings, once
     * {@code KbCentering} has taken out what the KB's examples share) form one cluster. Chosen on dev
     * data only (docs/operations.md): the operator's-loop scenario with three other intents missing,
     * 30 random triples of intents, and eval/dev.jsonl's 32 intents. Chinese and English agree since
     * the centring; {@link #DEFAULT_DISTANCE_THRESHOLD_EN} is kept as its own constant.
     */
    public static final double DEFAULT_DISTANCE_THRESHOLD = 0.90;
    public static final double DEFAULT_DISTANCE_THRESHOLD_EN = 0.90;
    /**
     * A Chinese cluster whose mean similarity to an intent's nearest example reaches this suggests
     * adding to it, else a new intent; chosen on eval/dev.jsonl. English: {@link #DEFAULT_ADD_THRESHOLD_EN}.
     */
    public static final double DEFAULT_ADD_THRESHOLD = 0.78;
    public static final double DEFAULT_ADD_THRESHOLD_EN = 0.83;
    /** The share of character n-grams in the similarity; 0: on eval/dev.jsonl they added nothing to the encoder. */
    public static final double DEFAULT_LEXICAL_WEIGHT = 0.0;
    public static final int DEFAULT_MIN_CLUSTER_SIZE = 2;
    public static final int DEFAULT_MAX_ITEMS = 3000;
    public static final String DEFAULT_NEW_INTENT_FILE = "intents/reviewed.yaml";
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.ivbot.review.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final ReviewQueue queue;
    private final Embedder embedder;
    private final Map<Language, Double> distanceThreshold;
    private final Map<Language, Double> addThreshold;
    private final double lexicalWeight;
    private final int minClusterSize;
    private final int maxItems;
    private final String newIntentFile;
    private final Consumer<KnowledgeBase> onChange;
    private final @Nullable Path auditLog;
    private final InstantSource clock;
    private final Map<String, ReviewCluster> lastClusters = new LinkedHashMap<>();
    /** Unit embeddings of the KB's examples, per language, for the KB they were computed from. */
    private final Map<Language, ExampleVectors> exampleVectors = new LinkedHashMap<>();

    private record ExampleVectors(String fingerprint, float[][] vectors, List<String> texts, List<String> intents,
            KbCentering centering) {}

    /** What an operator's decision did. Immutable and thread-safe. */
    public record Action(String action, String clusterId, @Nullable String intent, int examplesAdded,
            @Nullable Path file, String actor, Instant time) {}

    private ReviewService(Builder b) {
        this.folder = Objects.requireNonNull(b.folder, "knowledgeBase folder");
        this.queue = Objects.requireNonNull(b.queue, "queue");
        this.embedder = Objects.requireNonNull(b.embedder, "embedder");
        this.distanceThreshold = Map.copyOf(b.distanceThreshold);
        this.addThreshold = Map.copyOf(b.addThreshold);
        this.lexicalWeight = b.lexicalWeight;
        this.minClusterSize = b.minClusterSize;
        this.maxItems = b.maxItems;
        this.newIntentFile = b.newIntentFile;
        this.onChange = b.onChange;
        this.auditLog = b.auditLog;
        this.clock = b.clock;
    }

    /** The builder fills every language's threshold, so a missing one is a bug here, not bad input. */
    private static double inLanguage(Map<Language, Double> thresholds, Language language) {
        Double threshold = thresholds.get(language);
        if (threshold == null) {
            throw new IllegalStateException("no threshold for " + language);
        }
        return threshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The KB as its files are now. */
    public KnowledgeBase knowledgeBase() {
        return KnowledgeBase.load(folder);
    }

    /**
     * Mines the queue now: clusters of at least {@link Builder#minClusterSize} questions, largest
     * first. The result is kept for the actions, which name a cluster by its id.
     */
    public synchronized List<ReviewCluster> clusters() {
        KnowledgeBase kb = knowledgeBase();
        List<ReviewItem> items = queue.items();
        if (items.size() > maxItems) {
            items = items.subList(items.size() - maxItems, items.size());
        }
        Map<Language, List<ReviewItem>> byLanguage = new LinkedHashMap<>();
        for (ReviewItem item : items) {
            byLanguage.computeIfAbsent(item.language(), l -> new ArrayList<>()).add(item);
        }
        List<ReviewCluster> out = new ArrayList<>();
        for (Map.Entry<Language, List<ReviewItem>> e : byLanguage.entrySet()) {
            out.addAll(mine(kb, e.getKey(), e.getValue()));
        }
        out.sort(Comparator.comparingInt(ReviewCluster::size).reversed().thenComparing(ReviewCluster::id));
        lastClusters.clear();
        out.forEach(c -> lastClusters.put(c.id(), c));
        return out;
    }

    /** The cluster of that id from the last {@link #clusters()}, if any. */
    public synchronized Optional<ReviewCluster> cluster(String clusterId) {
        return Optional.ofNullable(lastClusters.get(clusterId));
    }

    private List<ReviewCluster> mine(KnowledgeBase kb, Language language, List<ReviewItem> items) {
        int n = items.size();
        float[][] vectors = units(embedder.embed(items.stream().map(ReviewItem::text).toList(), language));
        ExampleVectors examples = examples(kb, language);
        // one lexical vocabulary for the questions and the KB's examples, so that both sides compare alike
        List<String> texts = new ArrayList<>(n + examples.texts.size());
        items.forEach(i -> texts.add(i.text()));
        texts.addAll(examples.texts);
        CharGrams grams = new CharGrams(texts);
        float w = (float) (1 - lexicalWeight);
        float l = (float) lexicalWeight;
        // clusters form on what sets the questions apart from the KB's common ground; the suggestion
        // below compares the plain embeddings with the KB's examples
        float[][] apart = examples.centering.apply(vectors);
        Agglomerative.Similarity similarity = (i, j) -> w * Agglomerative.dot(apart[i], apart[j]) + l * grams.similarity(i, j);
        int[] labels = Agglomerative.cluster(n, similarity, inLanguage(distanceThreshold, language));
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        List<ReviewCluster> out = new ArrayList<>();
        for (List<Integer> members : groups.values()) {
            if (members.size() < minClusterSize) {
                continue;
            }
            Map<Integer, Double> centrality = new LinkedHashMap<>();
            for (int a : members) {
                double sum = 0;
                for (int b : members) {
                    sum += similarity.of(a, b);
                }
                centrality.put(a, sum);
            }
            List<Integer> byCloseness = new ArrayList<>(members);
            byCloseness.sort(Comparator.comparingDouble(m -> -centrality.getOrDefault(m, 0.0)));
            Set<String> representatives = new LinkedHashSet<>();
            for (int m : byCloseness) {
                if (representatives.size() < 3) {
                    representatives.add(items.get(m).text());
                }
            }
            Map<String, Double> score = new LinkedHashMap<>();
            for (int m : members) {
                Map<String, Double> best = new LinkedHashMap<>();
                for (int x = 0; x < examples.vectors.length; x++) {
                    double sim = w * Agglomerative.dot(vectors[m], examples.vectors[x]) + l * grams.similarity(m, n + x);
                    best.merge(examples.intents.get(x), sim, Math::max);
                }
                best.forEach((intent, sim) -> score.merge(intent, sim / members.size(), Double::sum));
            }
            String nearest = null;
            double nearestScore = 0;
            for (Map.Entry<String, Double> e : score.entrySet()) {
                if (nearest == null || e.getValue() > nearestScore) {
                    nearest = e.getKey();
                    nearestScore = e.getValue();
                }
            }
            List<String> ids = members.stream().map(m -> items.get(m).id()).toList();
            List<String> questions = members.stream().map(m -> items.get(m).text()).toList();
            ReviewCluster.Suggestion suggestion = nearest != null && nearestScore >= inLanguage(addThreshold, language)
                    ? ReviewCluster.Suggestion.ADD_TO_INTENT : ReviewCluster.Suggestion.NEW_INTENT;
            out.add(new ReviewCluster(idOf(ids), language, ids, questions, List.copyOf(representatives), suggestion,
                    nearest, nearestScore));
        }
        return out;
    }

    private ExampleVectors examples(KnowledgeBase kb, Language language) {
        ExampleVectors cached = exampleVectors.get(language);
        if (cached != null && cached.fingerprint.equals(kb.fingerprint())) {
            return cached;
        }
        List<String> texts = new ArrayList<>();
        List<String> intents = new ArrayList<>();
        for (Intent intent : kb.intents().values()) {
            for (String e : intent.examples(language)) {
                texts.add(e);
                intents.add(intent.id());
            }
        }
        float[][] vectors = texts.isEmpty() ? new float[0][] : units(embedder.embed(texts, language));
        ExampleVectors computed = new ExampleVectors(kb.fingerprint(), vectors, texts, intents, KbCentering.fit(vectors));
        exampleVectors.put(language, computed);
        return computed;
    }

    private static float[][] units(float[][] raw) {
        float[][] out = new float[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Agglomerative.unit(raw[i]);
        }
        return out;
    }

    /**
     * Adds the cluster's questions (those not already examples of the intent) to
     * {@code examples.<language>} of {@code intentId}, right after its last example there.
     *
     * @throws ReviewException if the cluster or intent is unknown, or the edited KB would not load
     */
    public synchronized Action addExamples(String clusterId, String intentId, String actor) {
        ReviewCluster cluster = required(clusterId);
        KnowledgeBase kb = knowledgeBase();
        Intent intent = kb.intent(intentId).orElseThrow(() -> new ReviewException("no intent '" + intentId + "' in " + folder));
        List<String> fresh = freshExamples(cluster, intent.examples(cluster.language()));
        KbYamlEditor.Located at = KbYamlEditor.find(folder, intentId)
                .orElseThrow(() -> new ReviewException("intent '" + intentId + "' is not defined in a YAML file under " + folder));
        if (!fresh.isEmpty()) {
            apply(at.file(), KbYamlEditor.withExamples(at, cluster.language(), fresh));
        }
        return done("add-examples", cluster, intentId, fresh.size(), at.file(), actor);
    }

    /**
     * Appends a new intent with the cluster's questions as its examples (in the cluster's language)
     * and the operator's titles and answers to {@link Builder#newIntentFile}.
     *
     * @throws ReviewException if the cluster is unknown, the id is taken, or the KB would not load
     */
    public synchronized Action createIntent(String clusterId, NewIntent spec, String actor) {
        ReviewCluster cluster = required(clusterId);
        KnowledgeBase kb = knowledgeBase();
        if (kb.intents().containsKey(spec.id())) {
            throw new ReviewException("intent '" + spec.id() + "' already exists; add the questions to it instead");
        }
        List<String> fresh = freshExamples(cluster, List.of());
        Path file = folder.resolve(newIntentFile);
        apply(file, KbYamlEditor.withNewIntent(file, spec, cluster.language(), fresh));
        return done("new-intent", cluster, spec.id(), fresh.size(), file, actor);
    }

    /** Removes the cluster's questions from the queue without changing the KB. */
    public synchronized Action dismiss(String clusterId, String actor) {
        return done("dismiss", required(clusterId), null, 0, null, actor);
    }

    private ReviewCluster required(String clusterId) {
        ReviewCluster c = lastClusters.get(Objects.requireNonNull(clusterId, "clusterId"));
        if (c == null) {
            throw new ReviewException("no cluster '" + clusterId + "' in the last mining (mine again: the queue changed)");
        }
        return c;
    }

    private static List<String> freshExamples(ReviewCluster cluster, List<String> existing) {
        Set<String> seen = new LinkedHashSet<>();
        existing.forEach(e -> seen.add(TextNormalizer.normalize(e)));
        List<String> out = new ArrayList<>();
        for (String q : cluster.questions()) {
            String t = q.strip();
            if (!t.isEmpty() && seen.add(TextNormalizer.normalize(t))) {
                out.add(t);
            }
        }
        return out;
    }

    /** Writes {@code text} to {@code file}; restores the old content if the KB no longer loads. */
    private void apply(Path file, String text) {
        byte[] before;
        try {
            before = Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new ReviewException("cannot read " + file + ": " + e.getMessage(), e);
        }
        KbYamlEditor.write(file, text);
        KnowledgeBase kb;
        try {
            kb = KnowledgeBase.load(folder);
        } catch (KnowledgeBaseException e) {
            try {
                if (before == null) {
                    Files.deleteIfExists(file);
                } else {
                    Files.write(file, before);
                }
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw new ReviewException("the edit would break the KB, nothing written: " + e.getMessage(), e);
        }
        onChange.accept(kb);
    }

    private Action done(String action, ReviewCluster cluster, @Nullable String intent, int added, @Nullable Path file,
            String actor) {
        Objects.requireNonNull(actor, "actor");
        queue.remove(cluster.itemIds());
        lastClusters.remove(cluster.id());
        Action a = new Action(action, cluster.id(), intent, added, file, actor, clock.instant());
        AUDIT.info("review {} by '{}': cluster {} ({} questions, {}) intent={} examples added={} file={}", action, actor,
                cluster.id(), cluster.size(), cluster.language().code(), intent, added, file);
        if (auditLog != null) {
            ObjectNode o = JSON.createObjectNode().put("time", a.time().toString()).put("actor", actor)
                    .put("action", action).put("cluster", cluster.id()).put("questions", cluster.size())
                    .put("intent", intent).put("examplesAdded", added).put("file", file == null ? null : file.toString());
            try {
                Files.writeString(auditLog, o + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                AUDIT.warn("cannot append to the audit log {}: {}", auditLog, e.toString());
            }
        }
        return a;
    }

    private static String idOf(List<String> itemIds) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            itemIds.stream().sorted().forEach(id -> sha.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Options of a {@link ReviewService}. Not thread-safe; {@link #build()} leaves it reusable. */
    public static final class Builder {
        private @Nullable Path folder;
        private @Nullable ReviewQueue queue;
        private @Nullable Embedder embedder;
        private final Map<Language, Double> distanceThreshold = new java.util.EnumMap<>(Map.of(
                Language.ZH, DEFAULT_DISTANCE_THRESHOLD, Language.EN, DEFAULT_DISTANCE_THRESHOLD_EN));
        private final Map<Language, Double> addThreshold = new java.util.EnumMap<>(Map.of(
                Language.ZH, DEFAULT_ADD_THRESHOLD, Language.EN, DEFAULT_ADD_THRESHOLD_EN));
        private double lexicalWeight = DEFAULT_LEXICAL_WEIGHT;
        private int minClusterSize = DEFAULT_MIN_CLUSTER_SIZE;
        private int maxItems = DEFAULT_MAX_ITEMS;
        private String newIntentFile = DEFAULT_NEW_INTENT_FILE;
        private Consumer<KnowledgeBase> onChange = kb -> { };
        private @Nullable Path auditLog;
        private InstantSource clock = InstantSource.system();

        private Builder() {}

        /** The KB folder whose YAML the service edits (required). */
        public Builder knowledgeBase(Path folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** The queue to mine (required). */
        public Builder queue(ReviewQueue queue) {
            this.queue = Objects.requireNonNull(queue, "queue");
            return this;
        }

        /** The serving encoder (required). */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /** Average cosine distance up to which clusters merge, for both languages. */
        public Builder distanceThreshold(double threshold) {
            for (Language language : Language.values()) {
                distanceThreshold(language, threshold);
            }
            return this;
        }

        /**
         * Average cosine distance up to which clusters of one language merge; default
         * {@value #DEFAULT_DISTANCE_THRESHOLD} (zh), {@value #DEFAULT_DISTANCE_THRESHOLD_EN} (en).
         */
        public Builder distanceThreshold(Language language, double threshold) {
            if (!(threshold > 0 && threshold < 2)) {
                throw new IllegalArgumentException("threshold must be in (0, 2), was " + threshold);
            }
            this.distanceThreshold.put(Objects.requireNonNull(language, "language"), threshold);
            return this;
        }

        /** Similarity from which "add to intent" is suggested, for both languages. */
        public Builder addThreshold(double threshold) {
            for (Language language : Language.values()) {
                addThreshold(language, threshold);
            }
            return this;
        }

        /**
         * Similarity from which "add to intent" is suggested for one language; default
         * {@value #DEFAULT_ADD_THRESHOLD} (zh), {@value #DEFAULT_ADD_THRESHOLD_EN} (en).
         */
        public Builder addThreshold(Language language, double threshold) {
            if (!(threshold >= -1 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [-1, 1], was " + threshold);
            }
            this.addThreshold.put(Objects.requireNonNull(language, "language"), threshold);
            return this;
        }

        /**
         * The share of the similarity that comes from character n-grams rather than the encoder;
         * default {@value #DEFAULT_LEXICAL_WEIGHT}.
         */
        public Builder lexicalWeight(double weight) {
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("weight must be in [0, 1], was " + weight);
            }
            this.lexicalWeight = weight;
            return this;
        }

        /** Smaller groups are not shown; default {@value #DEFAULT_MIN_CLUSTER_SIZE}. */
        public Builder minClusterSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("size must be at least 1, was " + size);
            }
            this.minClusterSize = size;
            return this;
        }

        /** The newest this many items are mined (clustering is quadratic); default {@value #DEFAULT_MAX_ITEMS}. */
        public Builder maxItems(int max) {
            if (max < 2) {
                throw new IllegalArgumentException("max must be at least 2, was " + max);
            }
            this.maxItems = max;
            return this;
        }

        /** Where new intents go, relative to the KB folder; default {@value #DEFAULT_NEW_INTENT_FILE}. */
        public Builder newIntentFile(String relativePath) {
            Objects.requireNonNull(relativePath, "relativePath");
            if (!relativePath.endsWith(".yaml") || Path.of(relativePath).isAbsolute() || relativePath.contains("..")) {
                throw new IllegalArgumentException("relativePath must be a .yaml path inside the KB folder: " + relativePath);
            }
            this.newIntentFile = relativePath;
            return this;
        }

        /** Called with the new KB after each accepted write (e.g. {@code engine::reloadKnowledgeBase}). */
        public Builder onChange(Consumer<KnowledgeBase> onChange) {
            this.onChange = Objects.requireNonNull(onChange, "onChange");
            return this;
        }

        /** A JSON-lines file every action is appended to, beside the log line; default none. */
        public Builder auditLog(Path file) {
            this.auditLog = Objects.requireNonNull(file, "file");
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ReviewService build() {
            return new ReviewService(this);
        }
    }
}
