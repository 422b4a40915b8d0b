package dev.ivbot.onnx.internal;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ClassifierClosedException;
import dev.ivbot.onnx.LabeledText;
import dev.ivbot.onnx.ModelEvent;
import dev.ivbot.onnx.ModelListener;
import dev.ivbot.onnx.ModelLoadException;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.text.TextNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of one model in a repository: loads the newest good one, warms it up, gates a
 * candidate against the serving version, swaps atomically, rolls back, and hands out the serving
 * version with a reference taken (a batch in flight during a swap finishes on the version it
 * started with, which closes after it).
 *
 * <p>The gate: a candidate is scored on the serving version's gate set (or the configured one)
 * against the serving version. A candidate may change the label set only to exactly the intents of
 * the KB in force ({@link #useKnowledgeBase}); it is then scored on the gate texts of the intents
 * both know (and the out-of-scope ones), so that adding or removing intents never hides a
 * regression on the others. Any other label change is refused.
 *
 * <p>Thread-safe: loads, swaps and rollbacks are serialised; {@link #acquire()} never blocks.
 */
public final class VersionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionManager.class);

    private final Path repository;
    private final String model;
    private final int intraOpThreads;
    private final double gateTolerance;
    private final @Nullable List<LabeledText> gateSet;
    private final ModelListener listener;
    private final Clock clock;
    private final AtomicReference<@Nullable ModelVersion> serving = new AtomicReference<>();
    private final Object lock = new Object();
    private final Deque<Path> history = new ArrayDeque<>();
    /** Versions not to pick up again: refused (with the manifest time they had) or rolled back from. */
    private final Map<String, @Nullable FileTime> excluded = new HashMap<>();
    private final Map<String, Double> servingF1 = new HashMap<>();
    private final Map<String, ModelEvent> outcomes = new HashMap<>();
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private volatile KnowledgeBase.Settings settings;
    private volatile @Nullable Set<String> kbIntents;
    private volatile @Nullable ModelEvent lastRefusal;
    private volatile boolean closed;

    public VersionManager(Path repository, String model, int intraOpThreads, double gateTolerance,
            @Nullable List<LabeledText> gateSet, @Nullable KnowledgeBase knowledgeBase, ModelListener listener,
            Clock clock) {
        this.repository = repository;
        this.model = model;
        this.intraOpThreads = intraOpThreads;
        this.gateTolerance = gateTolerance;
        this.gateSet = gateSet;
        this.listener = listener;
        this.clock = clock;
        this.settings = knowledgeBase != null ? knowledgeBase.settings() : KnowledgeBase.Settings.DEFAULT;
        this.kbIntents = knowledgeBase != null ? Set.copyOf(knowledgeBase.intents().keySet()) : null;
        loadInitial();
    }

    /** The KB now served: its threshold scores the gate, its intents are a label set a candidate may have. */
    public void useKnowledgeBase(KnowledgeBase knowledgeBase) {
        this.settings = knowledgeBase.settings();
        this.kbIntents = Set.copyOf(knowledgeBase.intents().keySet());
    }

    /** The serving version with a reference taken; retried if a swap closed it in between. */
    public ModelVersion acquire() {
        while (true) {
            ModelVersion v = serving.get();
            if (v == null) {
                throw new ClassifierClosedException("onnx");
            }
            if (v.retain()) {
                return v;
            }
        }
    }

    /** The serving version, or null once closed. */
    public @Nullable ModelVersion serving() {
        return serving.get();
    }

    public long loadedCount() {
        return loaded.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    public long rolledBackCount() {
        return rolledBack.get();
    }

    /** The last refusal, or null. */
    public @Nullable ModelEvent lastRefusal() {
        return lastRefusal;
    }

    /** What happened to {@code version} when it was last looked at, if it was. */
    public Optional<ModelEvent> outcome(String version) {
        synchronized (lock) {
            return Optional.ofNullable(outcomes.get(version));
        }
    }

    /** See {@code OnnxIntentClassifier#reload()}. */
    public ModelEvent reload() {
        synchronized (lock) {
            ModelVersion current = ensureServing();
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

    /** See {@code OnnxIntentClassifier#rollback()}. */
    public ModelEvent rollback() {
        synchronized (lock) {
            ModelVersion current = ensureServing();
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

    /** Releases the serving version (it closes once no batch uses it). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            ModelVersion v = serving.getAndSet(null);
            if (v != null) {
                v.release();
            }
        }
    }

    private ModelVersion ensureServing() {
        ModelVersion v = serving.get();
        if (closed || v == null) {
            throw new ClassifierClosedException("onnx");
        }
        return v;
    }

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
                lastRefusal = emit(new ModelEvent(ModelEvent.Type.REFUSED, model, e.version(), null, e.reason(),
                        Double.NaN, Double.NaN, clock.instant()));
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
            List<LabeledText> gate = gateSet != null ? gateSet : current.gateSet();
            boolean filtered = false;
            Set<String> candidateLabels = new HashSet<>(candidate.labels());
            Set<String> currentLabels = new HashSet<>(current.labels());
            if (!candidateLabels.equals(currentLabels)) {
                Set<String> intents = kbIntents;
                if (intents == null || !intents.equals(candidateLabels)) {
                    Set<String> added = new HashSet<>(candidateLabels);
                    added.removeAll(currentLabels);
                    Set<String> removed = new HashSet<>(currentLabels);
                    removed.removeAll(candidateLabels);
                    candidate.release();
                    return refuse(name, current, "its label set differs from the serving version " + current.version()
                            + " (added " + added + ", removed " + removed + ") and from the KB's intents",
                            Double.NaN, Double.NaN, stamp);
                }
                // trained on the KB in force: the intents both know must not get worse; removed ones
                // leave the gate set, added ones are not in it yet
                List<LabeledText> kept = new ArrayList<>();
                for (LabeledText t : gate) {
                    if (candidateLabels.contains(t.intent()) || LabeledText.OOS.equals(t.intent())) {
                        kept.add(t);
                    }
                }
                gate = kept;
                filtered = true;
            }
            warmUp(candidate);
            double f1 = Double.NaN;
            double base = Double.NaN;
            if (!gate.isEmpty()) {
                f1 = macroF1(candidate, gate);
                String key = current.version() + "@" + System.identityHashCode(gate) + "@" + settings;
                Double cached = filtered ? null : servingF1.get(key);
                base = cached != null ? cached : macroF1(current, gate);
                if (!filtered) {
                    servingF1.put(key, base);
                }
                if (f1 < base - gateTolerance) {
                    candidate.release();
                    return refuse(name, current, String.format(Locale.ROOT,
                            "gate: macro-F1 %.4f is more than %.2f below the serving version's %.4f on %d gate texts",
                            f1, gateTolerance, base, gate.size()), f1, base, stamp);
                }
            }
            history.addLast(current.dir());
            swap(candidate);
            loaded.incrementAndGet();
            return record(emit(new ModelEvent(ModelEvent.Type.LOADED, model, name, current.version(),
                    gate.isEmpty() ? "loaded (no gate set)" : "gate passed", f1, base, clock.instant())));
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
        ModelEvent event = record(emit(new ModelEvent(ModelEvent.Type.REFUSED, model, name, current.version(), reason,
                f1, base, clock.instant())));
        lastRefusal = event;
        return event;
    }

    private ModelEvent record(ModelEvent event) {
        outcomes.put(event.version(), event);
        return event;
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

    private static void warmUp(ModelVersion v) {
        try {
            for (Language lang : Language.values()) {
                String text = lang == Language.ZH ? "年假有几天" : "how many days of annual leave";
                v.classify(List.of(new ClassifierInput(text, TextNormalizer.normalize(text), lang)));
            }
        } catch (Exception e) {
            throw new ModelLoadException(v.version(), "warm-up failed: " + e, e);
        }
    }

    private double macroF1(ModelVersion v, List<LabeledText> gate) {
        KnowledgeBase.Settings s = settings;
        List<String> expected = new ArrayList<>();
        List<@Nullable String> answered = new ArrayList<>();
        Map<Language, List<LabeledText>> byLanguage = new HashMap<>();
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
                        answered.add(Scoring.answered(out.get(j), s.confidenceThreshold(), s.clarifyMargin()));
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

    private static @Nullable FileTime stamp(Path dir) {
        try {
            Path manifest = dir.resolve(ModelVersion.MANIFEST);
            return Files.getLastModifiedTime(Files.exists(manifest) ? manifest : dir);
        } catch (IOException e) {
            return null;
        }
    }
}
