package dev.ivbot.micrometer;

import dev.ivbot.onnx.ModelMetrics;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.onnx.VersionMetrics;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds what each model version's users saw ({@link ModelMetrics#byVersion()}) to a Micrometer
 * {@link MeterRegistry}, one set of meters per version (tag {@code version}), so that a canary and
 * the stable version can be compared on a dashboard:
 *
 * <pre>{@code
 * ModelVersionMeters versions = ModelVersionMeters.of(classifier);
 * DialogEngine engine = DialogEngine.builder()
 *         ...
 *         .listener(classifier.turnListener())   // counts each version's turns
 *         .listener(versions)                    // registers a version's meters at its first turn
 *         .build();
 * versions.bindTo(registry);
 * }</pre>
 *
 * <p>Meters, all with the tags given to {@link #of(Supplier, Iterable)} and {@code version}:
 * <ul>
 *   <li>{@value #TURNS}, {@value #FALLBACKS}, {@value #LOW_CONFIDENCE}, {@value #DEGRADED} (function
 *       counters): the version's turns and those the fallback, a low confidence or a lesser path answered;</li>
 *   <li>{@value #FALLBACK_RATE}, {@value #LOW_CONFIDENCE_RATE}, {@value #DEGRADED_RATE} (gauges): the same
 *       as shares of the version's turns since the classifier was built (the canary's decision compares these);</li>
 *   <li>{@value #LATENCY_MEAN} (gauge, milliseconds): mean time inside the engine for the version's turns;</li>
 *   <li>{@value #CANARY_SHARE} (gauge, one row while a canary runs, tagged with the candidate): its share of users.</li>
 * </ul>
 * A version's meters appear at the first {@link #refresh()} (each turn, or before a scrape) that
 * sees it, and stay: counters of a version that no longer serves keep their last value.
 *
 * <p>This class needs {@code ivbot-onnx} on the class path, an optional dependency of this module.
 *
 * <p>Thread-safe. One instance may be bound to several registries.
 */
public final class ModelVersionMeters implements MeterBinder, TurnListener {

    public static final String TURNS = "ivbot.model.version.turns";
    public static final String FALLBACKS = "ivbot.model.version.fallbacks";
    public static final String LOW_CONFIDENCE = "ivbot.model.version.low.confidence";
    public static final String DEGRADED = "ivbot.model.version.degraded";
    public static final String FALLBACK_RATE = "ivbot.model.version.fallback.rate";
    public static final String LOW_CONFIDENCE_RATE = "ivbot.model.version.low.confidence.rate";
    public static final String DEGRADED_RATE = "ivbot.model.version.degraded.rate";
    public static final String LATENCY_MEAN = "ivbot.model.version.latency.mean";
    public static final String CANARY_SHARE = "ivbot.model.canary.share";

    private final Supplier<ModelMetrics> source;
    private final Tags tags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<MultiGauge> canaryGauges = new CopyOnWriteArrayList<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    private ModelVersionMeters(Supplier<ModelMetrics> source, Iterable<Tag> tags) {
        this.source = Objects.requireNonNull(source, "source");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /** The meters of {@code classifier}'s versions, without extra tags. */
    public static ModelVersionMeters of(OnnxIntentClassifier classifier) {
        Objects.requireNonNull(classifier, "classifier");
        return new ModelVersionMeters(classifier::metrics, Tags.empty());
    }

    /**
     * The meters of the versions {@code source} reports (for example {@code classifier::metrics}),
     * each also carrying {@code tags}.
     */
    public static ModelVersionMeters of(Supplier<ModelMetrics> source, Iterable<Tag> tags) {
        return new ModelVersionMeters(source, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(Objects.requireNonNull(registry, "registry"));
        canaryGauges.add(MultiGauge.builder(CANARY_SHARE)
                .description("The canary candidate's share of users (one row while a canary runs)")
                .tags(tags).register(registry));
        for (String version : registered) {
            register(registry, version);
        }
        refresh();
    }

    /**
     * Registers the meters of a version seen for the first time. A turn of a version whose meters
     * exist costs a set lookup, not a snapshot of the classifier's figures; the canary row follows
     * at the next {@link #refresh()} (before a scrape).
     */
    @Override
    public void onTurn(TurnEvent event) {
        String version = event.modelVersion();
        if (version == null || !registered.contains(version)) {
            refresh();
        }
    }

    /** Registers meters for versions seen since the last call and updates the canary row (call before a scrape). */
    public void refresh() {
        if (registries.isEmpty()) {
            return;
        }
        ModelMetrics m = source.get();
        for (String version : m.byVersion().keySet()) {
            if (registered.add(version)) {
                for (MeterRegistry registry : registries) {
                    register(registry, version);
                }
            }
        }
        String canary = m.canaryVersion();
        List<MultiGauge.Row<?>> rows = canary == null ? List.of()
                : List.of(MultiGauge.Row.of(Tags.of("version", canary), m.canaryShare()));
        for (MultiGauge gauge : canaryGauges) {
            gauge.register(rows, true);
        }
    }

    private void register(MeterRegistry registry, String version) {
        Tags versionTags = tags.and("version", version);
        counter(registry, TURNS, version, versionTags, VersionMetrics::turns, "Turns answered for the version's users");
        counter(registry, FALLBACKS, version, versionTags, VersionMetrics::fallbacks,
                "Turns of the version's users that the fallback answered");
        counter(registry, LOW_CONFIDENCE, version, versionTags, VersionMetrics::lowConfidence,
                "Fallbacks for low confidence or ambiguity among the version's turns");
        counter(registry, DEGRADED, version, versionTags, VersionMetrics::degraded,
                "Turns of the version's users a lesser path answered");
        gauge(registry, FALLBACK_RATE, version, versionTags, VersionMetrics::fallbackRate,
                "Share of the version's turns that the fallback answered", null);
        gauge(registry, LOW_CONFIDENCE_RATE, version, versionTags, VersionMetrics::lowConfidenceRate,
                "Share of the version's turns that fell back for low confidence", null);
        gauge(registry, DEGRADED_RATE, version, versionTags, VersionMetrics::degradedRate,
                "Share of the version's turns a lesser path answered", null);
        gauge(registry, LATENCY_MEAN, version, versionTags, VersionMetrics::meanLatencyMillis,
                "Mean time inside the engine for the version's turns", "milliseconds");
    }

    private void counter(MeterRegistry registry, String name, String version, Tags versionTags,
            ToDoubleFunction<VersionMetrics> f, String description) {
        FunctionCounter.builder(name, this, x -> x.read(version, f)).description(description).tags(versionTags)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String version, Tags versionTags,
            ToDoubleFunction<VersionMetrics> f, String description, @Nullable String unit) {
        Gauge.Builder<ModelVersionMeters> b = Gauge.builder(name, this, x -> x.read(version, f))
                .description(description).tags(versionTags);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private double read(String version, ToDoubleFunction<VersionMetrics> f) {
        VersionMetrics v = source.get().byVersion().get(version);
        return v == null ? 0 : f.applyAsDouble(v);
    }
}
