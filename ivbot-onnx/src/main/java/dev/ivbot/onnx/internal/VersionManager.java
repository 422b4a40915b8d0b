package dev.ivbot.onnx.internal;

import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.onnx.CanaryPolicy;
import dev.ivbot.onnx.VersionMetrics;
import dev.ivbot.spi.TurnEvent;
import java.util.LinkedHashSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ClassifierClosedException;
import dev.ivbot.onnx.LabeledText;
import dev.ivbot.onnx.ModelEvent;
import dev.ivbot.onnx.ModelListener;
import dev.ivbot.onnx.ModelLoadException;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.internal.text.TextNormalizer;
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
    private volatile ServingPacer gatePacer = ServingPacer.NEVER_BUSY;
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
    private final @Nullable CanaryPolicy policy;
    private final AtomicReference<@Nullable Canary> canary = new AtomicReference<>();
    private final Map<String, ArmStats> byVersion = new ConcurrentHashMap<>();
    /** Versions a canary rejected, kept in the rollout file so that a restart does not serve them. */
    private final Set<String> rejected = new LinkedHashSet<>();

    public VersionManager(Path repository, String model, int intraOpThreads, double gateTolerance,
            @Nullable List<LabeledText> gateSet, @Nullable KnowledgeBase knowledgeBase, ModelListener listener,
            Clock clock, @Nullable CanaryPolicy policy) {
        this.policy = policy;
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

    /** The version that serves {@code input}: the canary's candidate for its users, else the serving one. */
    public ModelVersion acquire(ClassifierInput input) {
        Canary c = canary.get();
        String user = input.userId();
        if (c != null && user != null && c.assigned(user) && c.candidate.retain()) {
            return c.candidate;
        }
        return acquire();
    }

    /** The name of the version that would serve {@code userId} now. */
    public String versionFor(@Nullable String userId) {
        Canary c = canary.get();
        if (c != null && userId != null && c.assigned(userId)) {
            return c.candidateVersion();
        }
        ModelVersion v = serving.get();
        return v == null ? "closed" : v.version();
    }

    /** The running canary, or null. */
    public @Nullable Canary canary() {
        return canary.get();
    }

    /** Per-version figures of the turns recorded so far. */
    public Map<String, VersionMetrics> versionMetrics() {
        Map<String, VersionMetrics> out = new TreeMap<>(ModelRepository.VERSION_ORDER);
        byVersion.forEach((v, stats) -> out.put(v, stats.snapshot(v)));
        return out;
    }

    /**
     * Counts a finished turn for the version its user is on, and with a policy decides a canary
     * whose sides have enough turns. Called on the engine's listener thread.
     */
    public void record(TurnEvent event) {
        Reply reply = event.reply();
        if (reply == null || closed) {
            return;
        }
        Canary c = canary.get();
        String version = answeredBy(event, c);
        byVersion.computeIfAbsent(version, k -> new ArmStats()).add(reply);
        if (c == null) {
            return;
        }
        if (version.equals(c.candidateVersion())) {
            c.candidateStats.add(reply);
        } else if (version.equals(c.stableVersion)) {
            c.stable.add(reply);
        }
        if (policy != null && c.candidateStats.turns() >= policy.minTurns() && c.stable.turns() >= policy.minTurns()
                && c.deciding.compareAndSet(false, true)) {
            try {
                decide(c, policy);
            } finally {
                c.deciding.set(false);
            }
        }
    }

    /**
     * The version that classified the turn when it is one of this model's, else the user's version
     * now: the listener runs after the turn, and a canary decided in between must not move a
     * candidate's turn onto the stable version's figures.
     */
    private String answeredBy(TurnEvent event, @Nullable Canary c) {
        String v = event.modelVersion();
        if (v != null) {
            ModelVersion s = serving.get();
            if ((s != null && v.equals(s.version())) || (c != null
                    && (v.equals(c.candidateVersion()) || v.equals(c.stableVersion)))) {
                return v;
            }
        }
        return versionFor(event.userId());
    }

    private void decide(Canary c, CanaryPolicy p) {
        VersionMetrics cand = c.candidateStats.snapshot(c.candidateVersion());
        VersionMetrics stable = c.stable.snapshot(c.stableVersion);
        String figures = String.format(Locale.ROOT,
                "candidate %s: %d turns, fallback %.4f, low-confidence %.4f, degraded %.4f, %.2f ms; "
                        + "stable %s: %d turns, fallback %.4f, low-confidence %.4f, degraded %.4f, %.2f ms",
                cand.version(), cand.turns(), cand.fallbackRate(), cand.lowConfidenceRate(), cand.degradedRate(),
                cand.meanLatencyMillis(), stable.version(), stable.turns(), stable.fallbackRate(),
                stable.lowConfidenceRate(), stable.degradedRate(), stable.meanLatencyMillis());
        double fallbackDiff = cand.fallbackRate() - stable.fallbackRate();
        if (fallbackDiff > p.rollbackThreshold()) {
            rollbackCanary(c, String.format(Locale.ROOT, "canary: fallback rate %.4f above the stable version's, "
                    + "more than the threshold %.4f; %s", fallbackDiff, p.rollbackThreshold(), figures));
        } else if (fallbackDiff <= p.tolerance()
                && cand.lowConfidenceRate() - stable.lowConfidenceRate() <= p.tolerance()
                && cand.degradedRate() - stable.degradedRate() <= p.tolerance()) {
            promote(c, String.format(Locale.ROOT, "canary: no worse than the stable version within %.4f; %s",
                    p.tolerance(), figures));
        } else if (cand.turns() >= 3L * p.minTurns()) {
            rollbackCanary(c, String.format(Locale.ROOT, "canary: still worse than the stable version by more than "
                    + "%.4f after %d turns; %s", p.tolerance(), cand.turns(), figures));
        }
    }

    /**
     * Serves the version in {@code dir} to {@code share} of the users, after the same load, warm-up
     * and gate as a reload; returns {@code CANARY_STARTED} or {@code REFUSED}.
     */
    public ModelEvent startCanary(Path dir, double share) {
        synchronized (lock) {
            ModelVersion current = ensureServing();
            Canary running = canary.get();
            if (running != null) {
                throw new IllegalStateException("a canary of version " + running.candidateVersion()
                        + " is running; promote or roll it back first");
            }
            String name = dir.getFileName().toString();
            if (name.equals(current.version())) {
                throw new IllegalArgumentException("version " + name + " is already serving");
            }
            Gated gated = loadAndGate(dir, current, stamp(dir));
            if (gated.refusal != null) {
                return gated.refusal;
            }
            return beginCanary(gated.passed(), current, share, gated.reason, gated.f1, gated.base);
        }
    }

    private ModelEvent beginCanary(ModelVersion candidate, ModelVersion current, double share, String reason,
            double f1, double base) {
        canary.set(new Canary(candidate, current.version(), share));
        writeRollout();
        LOG.info("model {}: version {} serves {}% of users as a canary, {} the rest ({})", model, candidate.version(),
                Math.round(share * 1000) / 10.0, current.version(), reason);
        return record(emit(new ModelEvent(ModelEvent.Type.CANARY_STARTED, model, candidate.version(),
                current.version(), String.format(Locale.ROOT, "canary for %.3f of users; %s", share, reason), f1, base,
                clock.instant())));
    }

    /** Makes the running canary the serving version for every user. */
    public ModelEvent promote(String reason) {
        synchronized (lock) {
            Canary c = canary.get();
            if (c == null) {
                throw new IllegalStateException("no canary is running");
            }
            return promote(c, reason);
        }
    }

    private ModelEvent promote(Canary c, String reason) {
        synchronized (lock) {
            if (canary.get() != c) {
                return unchanged(ensureServing(), "the canary was decided already");
            }
            ModelVersion current = ensureServing();
            canary.set(null);
            history.addLast(current.dir());
            swap(c.candidate);
            loaded.incrementAndGet();
            writeRollout();
            LOG.info("model {}: canary {} promoted over {}: {}", model, c.candidateVersion(), current.version(), reason);
            return record(emit(new ModelEvent(ModelEvent.Type.PROMOTED, model, c.candidateVersion(), current.version(),
                    reason, Double.NaN, Double.NaN, clock.instant())));
        }
    }

    private ModelEvent rollbackCanary(Canary c, String reason) {
        synchronized (lock) {
            if (canary.get() != c) {
                return unchanged(ensureServing(), "the canary was decided already");
            }
            ModelVersion current = ensureServing();
            canary.set(null);
            String name = c.candidateVersion();
            excluded.put(name, stamp(c.candidate.dir()));
            rejected.add(name);
            c.candidate.release();
            rolledBack.incrementAndGet();
            writeRollout();
            LOG.warn("model {}: canary {} rolled back, {} serves every user: {}", model, name, current.version(), reason);
            return record(emit(new ModelEvent(ModelEvent.Type.ROLLED_BACK, model, current.version(), name, reason,
                    Double.NaN, Double.NaN, clock.instant())));
        }
    }

    private void writeRollout() {
        Canary c = canary.get();
        ModelVersion v = serving.get();
        new RolloutFile(v == null ? null : v.version(), c == null ? null : c.candidateVersion(),
                c == null ? 0 : c.share(), rejected).write(repository.resolve(model));
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
            Canary running = canary.get();
            if (running != null) {
                return unchanged(current, "the canary of version " + running.candidateVersion() + " is running");
            }
            if (policy != null) {
                Gated gated = loadAndGate(dir, current, stamp);
                return gated.refusal != null ? gated.refusal
                        : beginCanary(gated.passed(), current, policy.share(), gated.reason, gated.f1, gated.base);
            }
            return tryLoad(dir, current, stamp);
        }
    }

    /** See {@code OnnxIntentClassifier#rollback()}. */
    public ModelEvent rollback() {
        synchronized (lock) {
            ModelVersion current = ensureServing();
            Canary running = canary.get();
            if (running != null) {
                return rollbackCanary(running, "canary rollback requested");
            }
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
            Canary c = canary.getAndSet(null);
            if (c != null) {
                c.candidate.release();
            }
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
        RolloutFile rollout = RolloutFile.read(repository.resolve(model));
        rejected.addAll(rollout.rejected());
        versions.removeIf(p -> rejected.contains(p.getFileName().toString()));
        Path stableDir = rollout.stable() == null ? null : repository.resolve(model).resolve(rollout.stable());
        Path candidateDir = rollout.candidate() == null ? null : repository.resolve(model).resolve(rollout.candidate());
        if (candidateDir != null && stableDir != null && versions.contains(stableDir) && versions.contains(candidateDir)
                && rollout.share() > 0 && rollout.share() < 1) {
            // a canary was running: the stable version serves, the candidate goes on for its users
            versions.remove(candidateDir);
            versions.removeIf(p -> ModelRepository.VERSION_ORDER.compare(p.getFileName().toString(),
                    rollout.stable()) > 0);
            loadFrom(versions);
            try {
                ModelVersion candidate = ModelVersion.load(candidateDir, intraOpThreads);
                warmUp(candidate);
                beginCanary(candidate, ensureServing(), rollout.share(), "resumed after a restart", Double.NaN,
                        Double.NaN);
            } catch (ModelLoadException e) {
                LOG.warn("model {}: canary {} no longer loads ({}); {} serves every user", model, rollout.candidate(),
                        e.reason(), ensureServing().version());
            }
            return;
        }
        loadFrom(versions);
    }

    private void loadFrom(List<Path> versions) {
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
        Gated gated = loadAndGate(dir, current, stamp);
        if (gated.refusal != null) {
            return gated.refusal;
        }
        history.addLast(current.dir());
        swap(gated.passed());
        loaded.incrementAndGet();
        writeRolloutIfPresent();
        return record(emit(new ModelEvent(ModelEvent.Type.LOADED, model, gated.passed().version(), current.version(),
                gated.reason, gated.f1, gated.base, clock.instant())));
    }

    /** A loaded, warmed-up candidate that passed the gate, or the refusal. */
    private record Gated(@Nullable ModelVersion candidate, @Nullable ModelEvent refusal, String reason, double f1,
            double base) {
        static Gated refused(ModelEvent refusal) {
            return new Gated(null, refusal, refusal.reason(), Double.NaN, Double.NaN);
        }

        /** The candidate that passed; only for a gate without a refusal. */
        ModelVersion passed() {
            if (candidate == null) {
                throw new IllegalStateException("the candidate was refused: " + reason);
            }
            return candidate;
        }
    }

    private Gated loadAndGate(Path dir, ModelVersion current, @Nullable FileTime stamp) {
        String name = dir.getFileName().toString();
        ModelVersion candidate;
        try {
            candidate = ModelVersion.load(dir, intraOpThreads);
        } catch (ModelLoadException e) {
            return Gated.refused(refuse(name, current, e.reason(), Double.NaN, Double.NaN, stamp));
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
                    return Gated.refused(refuse(name, current, "its label set differs from the serving version "
                            + current.version() + " (added " + added + ", removed " + removed
                            + ") and from the KB's intents", Double.NaN, Double.NaN, stamp));
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
                    return Gated.refused(refuse(name, current, String.format(Locale.ROOT,
                            "gate: macro-F1 %.4f is more than %.2f below the serving version's %.4f on %d gate texts",
                            f1, gateTolerance, base, gate.size()), f1, base, stamp));
                }
            }
            return new Gated(candidate, null, gate.isEmpty() ? "loaded (no gate set)" : "gate passed", f1, base);
        } catch (RuntimeException e) {
            if (!candidate.isClosed() && serving.get() != candidate) {
                candidate.release();
            }
            return Gated.refused(refuse(name, current, "failed while warming up or gating: " + e, Double.NaN,
                    Double.NaN, stamp));
        }
    }

    /** After a plain reload, a rollout file that exists must name the new stable version. */
    private void writeRolloutIfPresent() {
        if (Files.exists(repository.resolve(model).resolve(RolloutFile.NAME))) {
            writeRollout();
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

    /**
     * Makes the gate's scoring of a candidate give way to turns (it runs beside the serving version,
     * on the thread that loads the candidate); until called, it never waits.
     */
    public void paceGateWith(ServingPacer pacer) {
        this.gatePacer = Objects.requireNonNull(pacer, "pacer");
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
                    gatePacer.yieldToServing();
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
