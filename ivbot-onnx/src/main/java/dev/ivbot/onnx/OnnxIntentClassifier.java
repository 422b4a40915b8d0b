package dev.ivbot.onnx;

import dev.ivbot.IvbotException;
import dev.ivbot.Language;
import dev.ivbot.Source;
import dev.ivbot.internal.runtime.FolderWatcher;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.internal.Batcher;
import dev.ivbot.onnx.internal.ServingPacer;
import dev.ivbot.onnx.internal.Canary;
import dev.ivbot.onnx.internal.ModelVersion;
import dev.ivbot.onnx.internal.VersionManager;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.internal.text.TextNormalizer;
import ai.onnxruntime.OrtException;
import dev.ivbot.spi.TurnListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX intent classifier: serves the newest good version of a model from a repository
 * ({@code <repository>/<model>/<version>/}), coalescing concurrent requests into batches on one
 * shared ONNX session per encoder.
 *
 * <p>A new version (found by a file watch, by polling as a fallback, or on {@link #reload()}) is
 * loaded, warmed up and checked on the gate set: its macro-F1 may not fall more than
 * {@link Builder#gateTolerance(double)} below the serving version's on the same set. It is then
 * swapped in atomically; batches in flight finish on the old version, which closes after them. A
 * version that fails to load (corrupt ONNX, a tokenizer that does not fit the model), has labels
 * other than the serving version's or the served KB's intents ({@link #useKnowledgeBase}), or
 * fails the gate is refused with a reason and the old version keeps serving. Each outcome is a
 * {@link ModelEvent} for the {@link ModelListener} and a count in {@link #metrics()}.
 *
 * <pre>{@code
 * try (OnnxIntentClassifier model = OnnxIntentClassifier.builder().repository(Path.of(".ivbot/models"))
 *         .knowledgeBase(kb).build();
 *      DialogEngine engine = DialogEngine.builder()
 *         .knowledgeBase(kb)
 *         .primaryClassifier(model)                       // stays ours: closed after the engine
 *         .secondaryClassifier(RuleClassifier.factory())  // built and closed by the engine
 *         .build()) { ... }
 * }</pre>
 *
 * <p>{@link Builder#build()} only loads; it trains nothing unless {@link Builder#trainIfMissing}
 * asks for a first version. To retrain on KB edits while serving, use {@link ModelLifecycle}.
 *
 * <p>Thread-safe. {@link #close()} stops the batch workers and the watcher and closes the sessions
 * once no batch uses them.
 */
public final class OnnxIntentClassifier implements IntentClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxIntentClassifier.class);

    /** Default largest batch. */
    public static final int DEFAULT_MAX_BATCH = 32;
    /** Default time a worker waits for a batch to fill. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(1);
    /** Default gate tolerance: one point of macro-F1. */
    public static final double DEFAULT_GATE_TOLERANCE = 0.01;
    /** Default polling interval, the fallback when file events are not delivered (network file systems). */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

    private final Path repository;
    private final String model;
    private final @Nullable Path temporaryRepository;
    private final VersionManager versions;
    private final Batcher batcher;
    /** Background work on the serving version (the gate's scoring, {@link #embed}) gives way to turns through it. */
    private final ServingPacer pacer;
    private final @Nullable FolderWatcher watcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TurnListener turnListener;

    private OnnxIntentClassifier(Builder b, Path repository, @Nullable Path temporaryRepository) {
        this.repository = repository;
        this.model = b.model;
        this.temporaryRepository = temporaryRepository;
        this.versions = new VersionManager(repository, b.model, b.intraOpThreads, b.gateTolerance, b.gateSet,
                b.knowledgeBase, b.listener, b.clock, b.canary);
        this.batcher = new Batcher(b.maxBatch, b.maxWait.toNanos(), b.workers, b.queueCapacity, versions::acquire);
        this.pacer = new ServingPacer(batcher::busy, System::nanoTime);
        versions.paceGateWith(pacer);
        this.turnListener = versions::record;
        if (b.watch || !b.pollInterval.isZero()) {
            Path dir = repository.resolve(model);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                LOG.warn("cannot create {} ({}); not watching it", dir, e.toString());
            }
            this.watcher = FolderWatcher.start(dir, this::reloadQuietly, b.pollInterval, b.watch, b.watchDebounce,
                    "ivbot-onnx-watch");
        } else {
            this.watcher = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ IntentClassifier

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public Source source() {
        return Source.MODEL;
    }

    @Override
    public Classification classify(ClassifierInput input) {
        try {
            return batcher.submit(input).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IvbotException("ONNX classification failed", e.getCause());
        }
    }

    /** Queues the input for the next batch; the future completes on a batch worker. */
    @Override
    public CompletableFuture<Classification> classifyAsync(ClassifierInput input, Executor executor) {
        return batcher.submit(input);
    }

    /**
     * The mean of the turn's and the topic question's embeddings, scored by the head (see
     * docs/evaluation.md, "Dialogs"): answered at once, on the calling thread, when both were read
     * recently (the turn just now, the topic question a few turns ago); else queued for the next
     * batch, which reads only the texts it lacks. A fine-tuned logits export reads the joined text.
     */
    @Override
    public CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
        if (followUp.lastQuestion() == null) {
            return classifyAsync(followUp, executor);
        }
        ModelVersion v;
        try {
            v = versions.acquire(followUp);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            if (!v.composesFollowUps(followUp.language())) {
                return batcher.submit(followUp.joinedWithTopic());
            }
            Classification cached = v.followUpIfCached(followUp);
            return cached != null ? CompletableFuture.completedFuture(cached) : batcher.submitFollowUp(followUp);
        } finally {
            v.release();
        }
    }

    @Override
    public String version() {
        ModelVersion v = versions.serving();
        return v == null ? "closed" : model + "/" + v.version();
    }

    /** With a canary running, the candidate for its users; otherwise {@link #version()}. */
    @Override
    public String versionFor(ClassifierInput input) {
        return versions.serving() == null ? "closed" : model + "/" + versions.versionFor(input.userId());
    }

    /** The serving version's labels: a blend scores a KB intent it lacks by the rules alone. */
    @Override
    public Optional<Set<String>> knownIntents() {
        ModelVersion v = versions.serving();
        return Optional.of(v == null ? Set.of() : v.labelSet());
    }

    @Override
    public ClassifierStatus status() {
        ModelVersion v = versions.serving();
        ModelEvent refusal = versions.lastRefusal();
        String refused = refusal == null ? null : "version " + refusal.version() + ": " + refusal.reason();
        return new ClassifierStatus(v != null && !closed.get(), version(),
                v == null ? null : v.manifest().path("kbFingerprint").asText(null), false, refused);
    }

    // ------------------------------------------------------------------ operations

    /**
     * The serving version's encoder output for questions of one language, normalised as for
     * classification: what {@link dev.ivbot.review.ReviewService} clusters, so that the review
     * queue's "similar" is the model's. Runs on the caller's thread, outside the batches, and gives
     * way to turns: while a turn waits for the model, each batch of this waits too (at most 20 ms
     * at a time), so that an operator mining the review queue does not slow the candidates.
     *
     * @throws ClassifierClosedException after {@link #close()}
     */
    public float[][] embed(List<String> texts, Language language) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(language, "language");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<String> normalized = texts.stream().map(TextNormalizer::normalize).toList();
        ModelVersion v = versions.acquire();
        try {
            float[][] out = new float[normalized.size()][];
            // batches of the batcher's size keep one ONNX run's memory bounded
            for (int from = 0; from < normalized.size(); from += DEFAULT_MAX_BATCH) {
                pacer.yieldToServing();
                List<String> part = normalized.subList(from, Math.min(normalized.size(), from + DEFAULT_MAX_BATCH));
                float[][] rows = v.embed(part, language);
                System.arraycopy(rows, 0, out, from, rows.length);
            }
            return out;
        } catch (OrtException e) {
            throw new IvbotException("ONNX embedding failed: " + e.getMessage(), e);
        } catch (TrainingCancelledException e) {
            throw new IvbotException("ONNX embedding interrupted", e);
        } finally {
            v.release();
        }
    }

    /** Time {@link #embed} and the gate's scoring have waited for turns so far; for tests. */
    long pausedForTurnsNanos() {
        return pacer.pausedNanos();
    }

    /** True while a classification is queued or running: what a training beside it gives way to. */
    boolean servingBusy() {
        return batcher.busy();
    }

    /** The name of the version folder now serving ({@code "closed"} after {@link #close()}). */
    public String servingVersion() {
        ModelVersion v = versions.serving();
        return v == null ? "closed" : v.version();
    }

    /** The repository folder this classifier serves from. */
    public Path repository() {
        return repository;
    }

    /** The model's folder name in the repository. */
    public String model() {
        return model;
    }

    public ModelMetrics metrics() {
        Canary c = versions.canary();
        return new ModelMetrics(servingVersion(), versions.loadedCount(), versions.refusedCount(),
                versions.rolledBackCount(), batcher.requests.get(), batcher.batches.get(), batcher.failed.get(),
                c == null ? null : c.candidateVersion(), c == null ? 0 : c.share(), versions.versionMetrics());
    }

    // ------------------------------------------------------------------ canary rollout by user

    /**
     * Feeds the per-version figures of {@link #metrics()} and, with a {@link Builder#canary policy},
     * the canary's automatic decision; register it on the engine that uses this classifier
     * ({@code DialogEngine.builder().listener(model.turnListener())}).
     */
    public TurnListener turnListener() {
        return turnListener;
    }

    /**
     * Serves {@code version} (a folder of this model) to {@code share} of the users, chosen by a
     * stable hash of the user id, after the same load, warm-up and gate as a reload; the other users
     * stay on the serving version. The choice survives restarts (it is kept in
     * {@code <model>/.rollout.json}; the hash needs no state). Returns {@code CANARY_STARTED}, or
     * {@code REFUSED} with the reason (nothing changes).
     *
     * @throws IllegalStateException if a canary is running already
     * @throws IllegalArgumentException if {@code version} is serving, absent, or {@code share} is not in (0, 1)
     */
    public ModelEvent startCanary(String version, double share) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share must be in (0, 1), was " + share);
        }
        Path dir = repository.resolve(model).resolve(Objects.requireNonNull(version, "version"));
        if (version.startsWith(".") || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no version '" + version + "' under " + repository.resolve(model));
        }
        return versions.startCanary(dir, share);
    }

    /** The candidate a share of users gets now, if a canary is running. */
    public Optional<String> canaryVersion() {
        Canary c = versions.canary();
        return Optional.ofNullable(c == null ? null : c.candidateVersion());
    }

    /**
     * Makes the running canary the version for every user, now (an operator's decision).
     *
     * @throws IllegalStateException if no canary is running
     */
    public ModelEvent promote() {
        return versions.promote("promotion requested");
    }

    /**
     * Tells the classifier which KB it now serves: a new version trained on exactly its intents may
     * replace one with other labels (intents added or removed), and the gate scores with its
     * threshold and margin.
     */
    public void useKnowledgeBase(KnowledgeBase knowledgeBase) {
        versions.useKnowledgeBase(Objects.requireNonNull(knowledgeBase, "knowledgeBase"));
    }

    /**
     * Loads the newest version if it is newer than the serving one and not refused before, gates it
     * and swaps it in. Returns what happened: {@code LOADED}, {@code REFUSED} (the reason says why;
     * the old version still serves) or {@code UNCHANGED}.
     *
     * @throws ClassifierClosedException after {@link #close()}
     */
    public ModelEvent reload() {
        return versions.reload();
    }

    /**
     * With a canary running, ends it: every user is back on the stable version and the candidate is
     * not served again (also after a restart). Otherwise goes back to the version that served before
     * the current one, without a gate (an operator's decision); the current version is not picked up
     * again until its folder changes.
     *
     * @throws ModelLoadException if there is no earlier version or it no longer loads
     */
    public ModelEvent rollback() {
        return versions.rollback();
    }

    /** The training fingerprint in the serving version's manifest, if it has one. */
    Optional<String> servingTrainingFingerprint() {
        ModelVersion v = versions.serving();
        return v == null ? Optional.empty()
                : Optional.ofNullable(v.manifest().path(ModelTrainer.TRAINING_FINGERPRINT).asText(null));
    }

    /** What happened to a version when it was last gated. */
    Optional<ModelEvent> outcome(String version) {
        return versions.outcome(version);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        batcher.close();
        versions.close();
        if (temporaryRepository != null) {
            deleteTree(temporaryRepository);
        }
    }

    // ------------------------------------------------------------------ internals

    private void reloadQuietly() {
        try {
            if (!closed.get()) {
                reload();
            }
        } catch (RuntimeException e) {
            LOG.warn("model reload failed: {}", e.toString());
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temp folder left behind is harmless
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    /**
     * Options for an {@link OnnxIntentClassifier}. Each setter checks its argument and names it;
     * {@link #build()} leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {
        // package-private: ModelLifecycle reads where it trains to
        @Nullable Path repository;
        String model = ModelRepository.DEFAULT_MODEL;
        @Nullable KnowledgeBase knowledgeBase;
        @Nullable ModelTrainer trainer;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration maxWait = DEFAULT_MAX_WAIT;
        private int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        private int intraOpThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int queueCapacity = 10_000;
        private double gateTolerance = DEFAULT_GATE_TOLERANCE;
        private @Nullable List<LabeledText> gateSet;
        private ModelListener listener = ModelListener.noop();
        private Clock clock = Clock.systemUTC();
        private boolean watch = true;
        private boolean trainIfMissing;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration watchDebounce = Duration.ofMillis(500);
        private @Nullable CanaryPolicy canary;

        private Builder() {}

        /** The model repository; without one, a model is trained from {@link #knowledgeBase} into a temporary folder. */
        public Builder repository(Path repository) {
            this.repository = Objects.requireNonNull(repository, "repository");
            return this;
        }

        public Builder model(String model) {
            this.model = ModelRepository.checkModelName(model);
            return this;
        }

        /**
         * The KB: its threshold and margin score the gate, its intents are a label set a new version
         * may have, and {@link #trainIfMissing} trains a first version from it.
         */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            return this;
        }

        /** The trainer {@link #trainIfMissing} uses; default {@code ModelTrainer.builder().build()}. */
        public Builder trainer(ModelTrainer trainer) {
            this.trainer = Objects.requireNonNull(trainer, "trainer");
            return this;
        }

        /**
         * Whether {@link #build()} trains a first version from {@link #knowledgeBase} when the
         * repository has none (seconds on a CPU); default false: {@code build()} only loads.
         */
        public Builder trainIfMissing(boolean trainIfMissing) {
            this.trainIfMissing = trainIfMissing;
            return this;
        }

        public Builder maxBatchSize(int maxBatch) {
            if (maxBatch < 1 || maxBatch > 1024) {
                throw new IllegalArgumentException("maxBatchSize must be in [1, 1024], was " + maxBatch);
            }
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * How long a worker waits for a batch to fill while every other worker is busy (with one free,
         * what arrives next runs there instead); default 1 ms.
         */
        public Builder maxWait(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative() || maxWait.compareTo(Duration.ofMillis(100)) > 0) {
                throw new IllegalArgumentException("maxWait must be in [0, 100 ms], was " + maxWait);
            }
            this.maxWait = maxWait;
            return this;
        }

        /** Batch workers, i.e. ONNX runs in parallel on the shared session; default min(2, cores). */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be in [1, 64], was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** ONNX Runtime intra-op threads per run; default cores / 2. */
        public Builder intraOpThreads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("intraOpThreads must be in [1, 256], was " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /** Requests waiting beyond this are refused at once (the engine then asks the secondary). */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** How far below the serving version's macro-F1 a new version may score; default 0.01. */
        public Builder gateTolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance <= 1)) {
                throw new IllegalArgumentException("gateTolerance must be in [0, 1], was " + tolerance);
            }
            this.gateTolerance = tolerance;
            return this;
        }

        /** The gate set; default the dev split stored with the serving version. */
        public Builder gateSet(List<LabeledText> gateSet) {
            Objects.requireNonNull(gateSet, "gateSet");
            if (gateSet.isEmpty()) {
                throw new IllegalArgumentException("gateSet must not be empty");
            }
            this.gateSet = List.copyOf(gateSet);
            return this;
        }

        public Builder listener(ModelListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The clock that stamps events. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Roll new versions out by user: a newer version that passes the gate on a reload becomes a
         * canary for {@link CanaryPolicy#share()} of the users instead of replacing the serving
         * version, and is promoted or rolled back by the policy once enough turns were seen
         * (register {@link OnnxIntentClassifier#turnListener()} on the engine). Default: none, a
         * version that passes the gate serves everyone at once.
         */
        public Builder canary(CanaryPolicy policy) {
            this.canary = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Watch the model folder for new versions; default true. */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /** How often to look for a new version regardless of file events; {@link Duration#ZERO} turns polling off. */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
                throw new IllegalArgumentException("pollInterval must be zero or at least 10 ms, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Loads the newest version that loads (with {@link #trainIfMissing}, training one from the KB
         * first if there is none).
         *
         * @throws ModelLoadException if no version can be loaded
         */
        public OnnxIntentClassifier build() {
            Path repo = repository;
            Path temporary = null;
            if (trainIfMissing && knowledgeBase == null) {
                throw new IllegalStateException("trainIfMissing needs the knowledgeBase to train from");
            }
            if (repo == null) {
                if (!trainIfMissing) {
                    throw new IllegalStateException("repository is required (or trainIfMissing with a knowledgeBase)");
                }
                try {
                    temporary = Files.createTempDirectory("ivbot-models");
                } catch (IOException e) {
                    throw new IvbotException("cannot create a temporary model repository", e);
                }
                repo = temporary;
            }
            KnowledgeBase trainFrom = knowledgeBase;
            if (trainIfMissing && trainFrom != null && ModelRepository.versions(repo, model).isEmpty()) {
                ModelTrainer t = trainer != null ? trainer : ModelTrainer.builder().model(model).build();
                t.train(trainFrom, repo);
            }
            try {
                return new OnnxIntentClassifier(this, repo, temporary);
            } catch (RuntimeException | Error e) {
                if (temporary != null) {
                    deleteTree(temporary);
                }
                throw e;
            }
        }
    }
}
