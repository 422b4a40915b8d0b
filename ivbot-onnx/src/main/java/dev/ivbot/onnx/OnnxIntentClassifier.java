package dev.ivbot.onnx;

import dev.ivbot.IvbotException;
import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.internal.Batcher;
import dev.ivbot.onnx.internal.ModelVersion;
import dev.ivbot.onnx.internal.Scoring;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.text.TextNormalizer;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * version that fails to load (corrupt ONNX, other labels, a tokenizer that does not fit the model)
 * or fails the gate is refused with a reason and the old version keeps serving. Each outcome is a
 * {@link ModelEvent} for the {@link ModelListener} and a count in {@link #metrics()}.
 *
 * <pre>{@code
 * try (DialogEngine engine = DialogEngine.builder()
 *         .knowledgeBase(kb)
 *         .primaryClassifier(OnnxIntentClassifier.builder().repository(Path.of(".ivbot/models"))
 *                 .knowledgeBase(kb).build())
 *         .secondaryClassifier(RuleClassifier.factory())
 *         .build()) { ... }
 * }</pre>
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
    private final int intraOpThreads;
    private final double gateTolerance;
    private final @Nullable List<LabeledText> gateSet;
    private final KnowledgeBase.Settings settings;
    private final ModelListener listener;
    private final Clock clock;
    private final @Nullable Path temporaryRepository;
    private final AtomicReference<ModelVersion> serving = new AtomicReference<>();
    private final Batcher batcher;
    private final Object reloadLock = new Object();
    private final Deque<Path> history = new ArrayDeque<>();
    /** Versions not to pick up again: refused (with the manifest time they had) or rolled back from. */
    private final Map<String, FileTime> excluded = new HashMap<>();
    private final Map<String, Double> servingF1 = new HashMap<>();
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final @Nullable ScheduledExecutorService scheduler;
    private final @Nullable WatchService watchService;
    private final @Nullable Thread watcher;

    private OnnxIntentClassifier(Builder b, Path repository, @Nullable Path temporaryRepository) {
        this.repository = repository;
        this.model = b.model;
        this.intraOpThreads = b.intraOpThreads;
        this.gateTolerance = b.gateTolerance;
        this.gateSet = b.gateSet;
        this.settings = b.knowledgeBase != null ? b.knowledgeBase.settings() : KnowledgeBase.Settings.DEFAULT;
        this.listener = b.listener;
        this.clock = b.clock;
        this.temporaryRepository = temporaryRepository;
        loadInitial();
        this.batcher = new Batcher(b.maxBatch, b.maxWait.toNanos(), b.workers, b.queueCapacity, this::acquire);
        if (!b.pollInterval.isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ivbot-onnx-poll"));
            long ms = b.pollInterval.toMillis();
            scheduler.scheduleWithFixedDelay(this::reloadQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            scheduler = null;
        }
        WatchService ws = null;
        Thread wt = null;
        if (b.watch) {
            try {
                Path dir = repository.resolve(model);
                Files.createDirectories(dir);
                ws = FileSystems.getDefault().newWatchService();
                dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                WatchService service = ws;
                long debounce = b.watchDebounce.toMillis();
                wt = daemon(() -> watch(service, debounce), "ivbot-onnx-watch");
                wt.start();
            } catch (IOException e) {
                LOG.warn("cannot watch {} ({}); relying on polling", repository.resolve(model), e.toString());
            }
        }
        this.watchService = ws;
        this.watcher = wt;
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

    @Override
    public String version() {
        ModelVersion v = serving.get();
        return v == null ? "closed" : model + "/" + v.version();
    }

    // ------------------------------------------------------------------ operations

    /** The name of the version folder now serving ({@code "closed"} after {@link #close()}). */
    public String servingVersion() {
        ModelVersion v = serving.get();
        return v == null ? "closed" : v.version();
    }

    /** The repository folder this classifier serves from. */
    public Path repository() {
        return repository;
    }

    public ModelMetrics metrics() {
        return new ModelMetrics(servingVersion(), loaded.get(), refused.get(), rolledBack.get(),
                batcher.requests.get(), batcher.batches.get(), batcher.failed.get());
    }

    /**
     * Loads the newest version if it is newer than the serving one and not refused before, gates it
     * and swaps it in. Returns what happened: {@code LOADED}, {@code REFUSED} (the reason says why;
     * the old version still serves) or {@code UNCHANGED}.
     */
    public ModelEvent reload() {
        synchronized (reloadLock) {
            ensureOpen();
            ModelVersion current = serving.get();
            Optional<Path> newest = ModelRepository.newest(repository, model);
            if (newest.isEmpty() || newest.get().getFileName().toString().equals(current.version())) {
                return unchanged(current, "no newer version");
            }
            Path dir = newest.get();
            String name = dir.getFileName().toString();
            FileTime stamp = stamp(dir);
            if (excluded.containsKey(name) && Objects.equals(excluded.get(name), stamp)) {
                return unchanged(current, "version " + name + " was refused or rolled back before");
            }
            return tryLoad(dir, current, stamp);
        }
    }

    /**
     * Goes back to the version that served before the current one, without a gate (an operator's
     * decision). The current version is not picked up again until its folder changes.
     *
     * @throws ModelLoadException if there is no earlier version or it no longer loads
     */
    public ModelEvent rollback() {
        synchronized (reloadLock) {
            ensureOpen();
            ModelVersion current = serving.get();
            Path previous = history.peekLast();
            if (previous == null) {
                throw new ModelLoadException(current.version(), "no earlier version to roll back to");
            }
            ModelVersion candidate = ModelVersion.load(previous, intraOpThreads);
            warmUp(candidate);
            history.pollLast();
            excluded.put(current.version(), stamp(current.dir()));
            swap(candidate);
            rolledBack.incrementAndGet();
            return emit(new ModelEvent(ModelEvent.Type.ROLLED_BACK, model, candidate.version(), current.version(),
                    "rollback requested", Double.NaN, Double.NaN, clock.instant()));
        }
    }

    @Override
    public IntentClassifier withKnowledgeBase(KnowledgeBase knowledgeBase) {
        // the model has its own lifecycle: a KB edit reaches it through ./ivbot train and a reload
        return this;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (watcher != null) {
            watcher.interrupt();
        }
        batcher.close();
        synchronized (reloadLock) {
            ModelVersion v = serving.getAndSet(null);
            if (v != null) {
                v.release();
            }
        }
        if (temporaryRepository != null) {
            deleteTree(temporaryRepository);
        }
    }

    // ------------------------------------------------------------------ internals

    private void loadInitial() {
        List<Path> versions = new ArrayList<>(ModelRepository.versions(repository, model));
        if (versions.isEmpty()) {
            throw new ModelLoadException("(none)", "no model version under " + repository.resolve(model)
                    + "; run ./ivbot train --kb DIR --out " + repository);
        }
        ModelLoadException last = null;
        for (int i = versions.size() - 1; i >= 0; i--) {
            Path dir = versions.get(i);
            try {
                ModelVersion v = ModelVersion.load(dir, intraOpThreads);
                warmUp(v);
                serving.set(v);
                loaded.incrementAndGet();
                emit(new ModelEvent(ModelEvent.Type.LOADED, model, v.version(), null, "first version loaded",
                        Double.NaN, Double.NaN, clock.instant()));
                return;
            } catch (ModelLoadException e) {
                last = e;
                refused.incrementAndGet();
                excluded.put(dir.getFileName().toString(), stamp(dir));
                emit(new ModelEvent(ModelEvent.Type.REFUSED, model, e.version(), null, e.reason(), Double.NaN,
                        Double.NaN, clock.instant()));
            }
        }
        throw last;
    }

    private ModelEvent tryLoad(Path dir, ModelVersion current, @Nullable FileTime stamp) {
        String name = dir.getFileName().toString();
        ModelVersion candidate;
        try {
            candidate = ModelVersion.load(dir, intraOpThreads);
        } catch (ModelLoadException e) {
            return refuse(name, current, e.reason(), Double.NaN, Double.NaN, stamp);
        }
        try {
            if (!candidate.labels().equals(current.labels())) {
                Set<String> added = new HashSet<>(candidate.labels());
                added.removeAll(current.labels());
                Set<String> removed = new HashSet<>(current.labels());
                removed.removeAll(candidate.labels());
                candidate.release();
                return refuse(name, current, "its label set differs from the serving version " + current.version()
                        + " (added " + added + ", removed " + removed + ")", Double.NaN, Double.NaN, stamp);
            }
            warmUp(candidate);
            List<LabeledText> gate = gateSet != null ? gateSet : current.gateSet();
            double f1 = Double.NaN;
            double base = Double.NaN;
            if (!gate.isEmpty()) {
                f1 = macroF1(candidate, gate);
                String key = current.version() + "@" + System.identityHashCode(gate);
                Double cached = servingF1.get(key);
                base = cached != null ? cached : macroF1(current, gate);
                servingF1.put(key, base);
                if (f1 < base - gateTolerance) {
                    candidate.release();
                    return refuse(name, current, String.format(java.util.Locale.ROOT,
                            "gate: macro-F1 %.4f is more than %.2f below the serving version's %.4f on %d gate texts",
                            f1, gateTolerance, base, gate.size()), f1, base, stamp);
                }
            }
            history.addLast(current.dir());
            swap(candidate);
            loaded.incrementAndGet();
            return emit(new ModelEvent(ModelEvent.Type.LOADED, model, name, current.version(),
                    gate.isEmpty() ? "loaded (no gate set)" : "gate passed", f1, base, clock.instant()));
        } catch (RuntimeException e) {
            if (!candidate.isClosed() && serving.get() != candidate) {
                candidate.release();
            }
            return refuse(name, current, "failed while warming up or gating: " + e, Double.NaN, Double.NaN, stamp);
        }
    }

    private ModelEvent refuse(String name, ModelVersion current, String reason, double f1, double base,
            @Nullable FileTime stamp) {
        refused.incrementAndGet();
        excluded.put(name, stamp);
        LOG.warn("model {} version {} refused: {}; version {} keeps serving", model, name, reason, current.version());
        return emit(new ModelEvent(ModelEvent.Type.REFUSED, model, name, current.version(), reason, f1, base,
                clock.instant()));
    }

    private ModelEvent unchanged(ModelVersion current, String reason) {
        return new ModelEvent(ModelEvent.Type.UNCHANGED, model, current.version(), current.version(), reason,
                Double.NaN, Double.NaN, clock.instant());
    }

    private void swap(ModelVersion next) {
        ModelVersion old = serving.getAndSet(next);
        if (old != null) {
            old.release(); // closes now, or when the last batch on it finishes
        }
    }

    /** The serving version with a reference taken; retried if a swap closed it in between. */
    private ModelVersion acquire() {
        while (true) {
            ModelVersion v = serving.get();
            if (v == null) {
                throw new IvbotException("the ONNX classifier is closed");
            }
            if (v.retain()) {
                return v;
            }
        }
    }

    private static void warmUp(ModelVersion v) {
        try {
            for (dev.ivbot.Language lang : dev.ivbot.Language.values()) {
                String text = lang == dev.ivbot.Language.ZH ? "年假有几天" : "how many days of annual leave";
                v.classify(List.of(new ClassifierInput(text, TextNormalizer.normalize(text), lang)));
            }
        } catch (Exception e) {
            throw new ModelLoadException(v.version(), "warm-up failed: " + e, e);
        }
    }

    private double macroF1(ModelVersion v, List<LabeledText> gate) {
        List<String> expected = new ArrayList<>();
        List<@Nullable String> answered = new ArrayList<>();
        Map<dev.ivbot.Language, List<LabeledText>> byLanguage = new HashMap<>();
        for (LabeledText t : gate) {
            byLanguage.computeIfAbsent(t.language(), k -> new ArrayList<>()).add(t);
        }
        try {
            for (List<LabeledText> group : byLanguage.values()) {
                for (int i = 0; i < group.size(); i += 32) {
                    List<LabeledText> part = group.subList(i, Math.min(group.size(), i + 32));
                    List<ClassifierInput> inputs = new ArrayList<>();
                    for (LabeledText t : part) {
                        inputs.add(new ClassifierInput(t.text(), TextNormalizer.normalize(t.text()), t.language()));
                    }
                    List<Classification> out = v.classify(inputs);
                    for (int j = 0; j < part.size(); j++) {
                        expected.add(part.get(j).intent());
                        answered.add(Scoring.answered(out.get(j), settings.confidenceThreshold(),
                                settings.clarifyMargin()));
                    }
                }
            }
        } catch (Exception e) {
            throw new ModelLoadException(v.version(), "gate evaluation failed: " + e, e);
        }
        return Scoring.figures(expected, answered, LabeledText.OOS).macroF1();
    }

    private ModelEvent emit(ModelEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("model listener failed on {}: {}", event, e.toString());
        }
        return event;
    }

    private void reloadQuietly() {
        try {
            if (!closed.get()) {
                reload();
            }
        } catch (RuntimeException e) {
            LOG.warn("model reload failed: {}", e.toString());
        }
    }

    private void watch(WatchService service, long debounceMillis) {
        try {
            while (!closed.get()) {
                WatchKey key = service.take();
                // let a burst of file events (a copy in progress) settle before loading
                do {
                    key.pollEvents();
                    key.reset();
                } while ((key = service.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null);
                reloadQuietly();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private static @Nullable FileTime stamp(Path dir) {
        try {
            Path manifest = dir.resolve(ModelVersion.MANIFEST);
            return Files.getLastModifiedTime(Files.exists(manifest) ? manifest : dir);
        } catch (IOException e) {
            return null;
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IvbotException("the ONNX classifier is closed");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
        private @Nullable Path repository;
        private String model = ModelRepository.DEFAULT_MODEL;
        private @Nullable KnowledgeBase knowledgeBase;
        private @Nullable ModelTrainer trainer;
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
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration watchDebounce = Duration.ofMillis(500);

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
         * The KB: its threshold and margin score the gate, and a first version is trained from it
         * when the repository has none (or no repository is given).
         */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            return this;
        }

        /** The trainer used when a first version must be trained; default {@code ModelTrainer.builder().build()}. */
        public Builder trainer(ModelTrainer trainer) {
            this.trainer = Objects.requireNonNull(trainer, "trainer");
            return this;
        }

        public Builder maxBatchSize(int maxBatch) {
            if (maxBatch < 1 || maxBatch > 1024) {
                throw new IllegalArgumentException("maxBatchSize must be in [1, 1024], was " + maxBatch);
            }
            this.maxBatch = maxBatch;
            return this;
        }

        /** How long a worker waits for a batch to fill; default 1 ms. */
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
         * Loads the newest version that loads (training one from the KB first if there is none).
         *
         * @throws ModelLoadException if no version can be loaded
         */
        public OnnxIntentClassifier build() {
            Path repo = repository;
            Path temporary = null;
            if (repo == null) {
                if (knowledgeBase == null) {
                    throw new IllegalStateException("repository or knowledgeBase is required");
                }
                try {
                    temporary = Files.createTempDirectory("ivbot-models");
                } catch (IOException e) {
                    throw new IvbotException("cannot create a temporary model repository", e);
                }
                repo = temporary;
            }
            if (ModelRepository.versions(repo, model).isEmpty() && knowledgeBase != null) {
                ModelTrainer t = trainer != null ? trainer : ModelTrainer.builder().model(model).build();
                t.train(knowledgeBase, repo);
            }
            return new OnnxIntentClassifier(this, repo, temporary);
        }
    }
}
