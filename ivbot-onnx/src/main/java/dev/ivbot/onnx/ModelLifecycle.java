package dev.ivbot.onnx;

import dev.ivbot.DialogEngine;
import dev.ivbot.Source;
import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.IntentClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served model that follows the KB: an {@link OnnxIntentClassifier} plus one background thread
 * that trains a new version whenever the KB's training data change, puts it through the
 * classifier's regression gate and swaps it in.
 *
 * <pre>{@code
 * try (ModelLifecycle model = ModelLifecycle.builder()
 *             .classifier(OnnxIntentClassifier.builder().repository(repo).knowledgeBase(kb))
 *             .build();                                          // loads, or trains a first version
 *      DialogEngine engine = DialogEngine.builder()
 *             .knowledgeBase(kb)
 *             .primaryClassifier(model.hybrid(RuleClassifier.factory())) // the model blended with the rules
 *             .secondaryClassifier(RuleClassifier.factory())     // the rules alone on a deadline miss
 *             .build();
 *      KnowledgeBaseWatcher watcher = KnowledgeBaseWatcher.start(engine, kbFolder, Duration.ofSeconds(2))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>What each KB edit does, once the engine reloads the KB (the engine builds the hybrid anew
 * from {@link #hybrid(DialogEngine.ClassifierSpec)} for each KB it serves, which hands the KB to {@link #retrain}):
 * <ul>
 *   <li>answers, messages, slot synonyms, rules, settings: in force at once, no training
 *       ({@link ModelTrainer#trainingFingerprint} is unchanged);</li>
 *   <li>examples, intents added or removed: a new version is trained in the background (never on
 *       a request thread), gated and swapped in atomically. Until then the serving version answers
 *       every intent that still exists; a removed intent is never answered (the blend drops it); a
 *       new intent is answered by the rules alone until a version that knows it serves;</li>
 *   <li>a version the gate refuses changes nothing: the serving version stays, the refused folder is
 *       renamed {@code .refused-<version>} (never loaded, kept for inspection), and the reason is in
 *       the log and the classifier's {@link ClassifierStatus#lastRefusal()}; the same examples are not
 *       trained again until they change.</li>
 * </ul>
 * At most one training runs at a time; edits that arrive meanwhile are coalesced and the latest KB
 * wins.
 *
 * <p>Ownership: the lifecycle builds the classifier and closes it in {@link #close()}; the
 * classifiers {@link #hybrid(DialogEngine.ClassifierSpec)} builds for an engine are the engine's, and closing them leaves the
 * model open. Close the engine first, then the lifecycle.
 *
 * <p>Thread-safe.
 */
public final class ModelLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLifecycle.class);

    private final OnnxIntentClassifier classifier;
    private final ModelTrainer trainer;
    private final double modelWeight;
    private final ExecutorService trainingThread;
    private final Object lock = new Object();
    private final ServedModel served;
    private @Nullable KnowledgeBase pending;
    private @Nullable CompletableFuture<ModelEvent> pendingResult;
    private boolean running;
    private @Nullable CompletableFuture<ModelEvent> trainingResult;
    private volatile @Nullable String training;
    private volatile @Nullable String refusedFingerprint;
    private volatile @Nullable String lastProblem;
    private boolean closed;

    private ModelLifecycle(OnnxIntentClassifier classifier, ModelTrainer trainer, double modelWeight) {
        this.classifier = classifier;
        this.trainer = trainer;
        this.modelWeight = modelWeight;
        this.served = new ServedModel();
        this.trainingThread = Executors.newSingleThreadExecutor(DaemonThreads.background("ivbot-model-training"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The classifier this lifecycle serves and retrains; it stays the lifecycle's. */
    public OnnxIntentClassifier classifier() {
        return classifier;
    }

    /**
     * The model as a classifier for an engine that does not close it, reporting training in progress
     * and the last refusal in its {@link IntentClassifier#status()}.
     */
    public IntentClassifier model() {
        return served;
    }

    /**
     * The hybrid primary for {@link DialogEngine.Builder#primaryClassifier(DialogEngine.ClassifierSpec)}:
     * for each KB the engine serves, the model blended with a second opinion built from that KB
     * ({@link Hybrid}; with {@code ivbot-rules}: {@code RuleClassifier.factory()}), and the KB handed
     * to {@link #retrain}. Give the engine the same {@code secondOpinion} as its secondary classifier.
     */
    public DialogEngine.ClassifierSpec hybrid(DialogEngine.ClassifierSpec secondOpinion) {
        Objects.requireNonNull(secondOpinion, "secondOpinion");
        return kb -> {
            retrain(kb);
            return Hybrid.classifier(served, secondOpinion, kb, modelWeight);
        };
    }

    /** Whether a version is being trained or gated now. */
    public boolean training() {
        return training != null;
    }

    /**
     * Trains a new version from {@code kb} in the background if its training data differ from the
     * serving version's, and swaps it in if it passes the gate. Returns at once.
     *
     * @return what became of it: {@code LOADED}, {@code REFUSED} (gate or load), or {@code UNCHANGED}
     *     (nothing to train); a KB superseded by a later one before its training started completes
     *     with the later one's outcome. Fails if training itself failed.
     */
    public CompletableFuture<ModelEvent> retrain(KnowledgeBase kb) {
        Objects.requireNonNull(kb, "kb");
        classifier.useKnowledgeBase(kb);
        String fingerprint = ModelTrainer.trainingFingerprint(kb);
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new ClassifierClosedException("model lifecycle"));
            }
            if (pending != null) {
                pending = kb; // coalesced: the latest KB wins
                return Objects.requireNonNull(pendingResult);
            }
            if (running && fingerprint.equals(training) && trainingResult != null) {
                return trainingResult; // these examples are being trained now
            }
            if (!running) {
                Optional<ModelEvent> nothing = nothingToTrain(fingerprint);
                if (nothing.isPresent()) {
                    return CompletableFuture.completedFuture(nothing.get());
                }
            }
            pending = kb;
            CompletableFuture<ModelEvent> result = new CompletableFuture<>();
            pendingResult = result;
            if (!running) {
                running = true;
                trainingThread.execute(this::drain);
            }
            return result;
        }
    }

    /**
     * Stops training (a run in progress is cancelled at its next batch and publishes nothing), waits
     * for the training thread, then closes the classifier. Idempotent.
     */
    @Override
    public void close() {
        CompletableFuture<ModelEvent> abandoned;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            abandoned = pendingResult;
            pending = null;
            pendingResult = null;
        }
        if (abandoned != null) {
            abandoned.completeExceptionally(new ClassifierClosedException("model lifecycle"));
        }
        trainingThread.shutdownNow();
        try {
            if (!trainingThread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("the training thread did not stop within 30 s; closing the classifier anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        classifier.close();
    }

    private Optional<ModelEvent> nothingToTrain(String fingerprint) {
        if (classifier.servingTrainingFingerprint().filter(fingerprint::equals).isPresent()) {
            return Optional.of(unchanged("the serving version was trained on these examples"));
        }
        if (fingerprint.equals(refusedFingerprint)) {
            return Optional.of(unchanged("a version trained on these examples was refused: " + lastProblem));
        }
        return Optional.empty();
    }

    private void drain() {
        while (true) {
            KnowledgeBase kb;
            CompletableFuture<ModelEvent> result;
            synchronized (lock) {
                if (pending == null || closed) {
                    running = false;
                    return;
                }
                kb = pending;
                result = Objects.requireNonNull(pendingResult);
                pending = null;
                pendingResult = null;
                trainingResult = result;
                training = ModelTrainer.trainingFingerprint(kb);
            }
            String fingerprint = Objects.requireNonNull(training);
            @Nullable ModelEvent outcome = null;
            @Nullable Throwable failure = null;
            try {
                outcome = trainAndSwap(kb, fingerprint);
            } catch (TrainingCancelledException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                lastProblem = "training failed: " + e;
                LOG.warn("training a model version for KB {} failed; the serving version stays", kb, e);
                failure = e;
            } finally {
                synchronized (lock) {
                    training = null;
                    trainingResult = null;
                }
            }
            // completed only after the state says "not training": whoever waits on it sees the end state
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(outcome);
            }
        }
    }

    private ModelEvent trainAndSwap(KnowledgeBase kb, String fingerprint) {
        Optional<ModelEvent> nothing = nothingToTrain(fingerprint);
        if (nothing.isPresent()) {
            return nothing.get();
        }
        long start = System.nanoTime();
        LOG.info("training a new model version for KB {} (examples changed)", kb);
        TrainingReport report = trainer.train(kb, classifier.repository(), classifier::servingBusy);
        classifier.useKnowledgeBase(kb);
        ModelEvent event = classifier.reload();
        // the classifier's own watcher may have gated the new version first
        event = classifier.outcome(report.version()).orElse(event);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (event.type() == ModelEvent.Type.REFUSED) {
            refusedFingerprint = fingerprint;
            lastProblem = "version " + report.version() + ": " + event.reason();
            park(report.directory());
            LOG.warn("model version {} trained in {} ms was refused ({}); version {} keeps serving",
                    report.version(), ms, event.reason(), classifier.servingVersion());
        } else {
            LOG.info("model version {} trained in {} ms: {} ({})", report.version(), ms, event.type(), event.reason());
        }
        return event;
    }

    /** Moves a refused version out of the way, so that a restart never serves it. */
    private static void park(Path version) {
        try {
            Files.move(version, version.resolveSibling(".refused-" + version.getFileName()));
        } catch (IOException e) {
            LOG.warn("cannot rename refused version {}: {}", version, e.toString());
        }
    }

    private ModelEvent unchanged(String reason) {
        String v = classifier.servingVersion();
        return new ModelEvent(ModelEvent.Type.UNCHANGED, classifier.model(), v, v, reason, Double.NaN, Double.NaN,
                Instant.now());
    }

    /** The classifier as engines see it: never closed by them, with the lifecycle's state in its status. */
    private final class ServedModel implements IntentClassifier {
        @Override
        public String name() {
            return classifier.name();
        }

        @Override
        public Source source() {
            return classifier.source();
        }

        @Override
        public Classification classify(ClassifierInput input) {
            return classifier.classify(input);
        }

        @Override
        public CompletableFuture<Classification> classifyAsync(ClassifierInput input, Executor executor) {
            return classifier.classifyAsync(input, executor);
        }

        @Override
        public CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
            return classifier.classifyFollowUpAsync(followUp, executor);
        }

        @Override
        public String version() {
            return classifier.version();
        }

        /** The user's version (with a canary, the candidate or the stable one): the engine's cache key. */
        @Override
        public String versionFor(ClassifierInput input) {
            return classifier.versionFor(input);
        }

        @Override
        public Optional<Set<String>> knownIntents() {
            return classifier.knownIntents();
        }

        @Override
        public ClassifierStatus status() {
            ClassifierStatus s = classifier.status();
            String problem = lastProblem != null ? lastProblem : s.lastRefusal();
            return new ClassifierStatus(s.serving(), s.version(), s.trainedOnFingerprint(), training(), problem);
        }

        /** The lifecycle closes the classifier, not an engine. */
        @Override
        public void close() {}
    }

    /**
     * Options for a {@link ModelLifecycle}. {@link #build()} leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {
        private OnnxIntentClassifier.@Nullable Builder classifier;
        private @Nullable ModelTrainer trainer;
        private double modelWeight = Hybrid.MODEL_WEIGHT;
        private boolean trainIfMissing = true;

        private Builder() {}

        /** How to build the classifier (required): its repository is where new versions are trained to. */
        public Builder classifier(OnnxIntentClassifier.Builder classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * The trainer of new versions; default {@code ModelTrainer.builder()} with half the cores for
         * ONNX Runtime, so that serving keeps the rest while a version trains.
         */
        public Builder trainer(ModelTrainer trainer) {
            this.trainer = Objects.requireNonNull(trainer, "trainer");
            return this;
        }

        /** The model's share in the hybrid blend; default {@link Hybrid#MODEL_WEIGHT}. */
        public Builder modelWeight(double modelWeight) {
            if (!(modelWeight > 0 && modelWeight <= 1)) {
                throw new IllegalArgumentException("modelWeight must be in (0, 1], was " + modelWeight);
            }
            this.modelWeight = modelWeight;
            return this;
        }

        /** Whether {@link #build()} trains a first version when the repository has none; default true. */
        public Builder trainIfMissing(boolean trainIfMissing) {
            this.trainIfMissing = trainIfMissing;
            return this;
        }

        /**
         * Loads the newest good version (training a first one if asked and needed).
         *
         * @throws IllegalStateException without a classifier builder, or one without a repository or KB
         * @throws ModelLoadException if no version can be loaded
         */
        public ModelLifecycle build() {
            if (classifier == null) {
                throw new IllegalStateException("classifier is required");
            }
            if (classifier.repository == null || classifier.knowledgeBase == null) {
                throw new IllegalStateException("the classifier builder needs a repository and a knowledgeBase");
            }
            ModelTrainer t = trainer != null ? trainer : ModelTrainer.builder().model(classifier.model)
                    .intraOpThreads(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)).build();
            OnnxIntentClassifier built = classifier.trainIfMissing(trainIfMissing).build();
            return new ModelLifecycle(built, t, modelWeight);
        }
    }
}
