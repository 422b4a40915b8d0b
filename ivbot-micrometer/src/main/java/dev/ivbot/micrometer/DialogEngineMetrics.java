package dev.ivbot.micrometer;

import dev.ivbot.DialogEngine;
import dev.ivbot.EngineMetrics;
import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link DialogEngine}'s metrics to a Micrometer {@link MeterRegistry}. It is both a
 * {@link TurnListener} (register it on the engine builder so that it can time every turn) and a
 * {@link MeterBinder} (bind it once the engine is built):
 *
 * <pre>{@code
 * DialogEngineMetrics metrics = DialogEngineMetrics.create();
 * DialogEngine engine = DialogEngine.builder()
 *         .knowledgeBase(kb)
 *         .primaryClassifier(RuleClassifier.factory())
 *         .listener(metrics)                    // times each turn
 *         .build();
 * metrics.monitor(engine).bindTo(registry);     // counters and gauges read from the engine
 * }</pre>
 *
 * <p>Meters (names as Micrometer writes them; Prometheus turns dots into underscores and adds
 * {@code _total} / {@code _seconds}); all carry the tags given to {@link #create(Iterable)}:
 * <ul>
 *   <li>{@value #TURNS} (function counter, tag {@code source}): answered turns by {@link Source};</li>
 *   <li>{@value #FALLBACKS} (function counter, tag {@code reason}): fallback replies by {@link FallbackReason};</li>
 *   <li>{@value #LATENCY} (timer with the 0.5 and 0.99 percentiles): time spent inside the engine per turn;</li>
 *   <li>{@value #CLASSIFIER_TIMEOUTS}, {@value #CLASSIFIER_ERRORS}, {@value #ERRORS}, {@value #REFUSED},
 *       {@value #DEGRADED} (function counters);</li>
 *   <li>{@value #MODEL_INFO} (gauge, always 1, tags {@code classifier} and {@code version}): the model serving
 *       now; the version tag follows a hot reload at the next turn or {@link #refresh()};</li>
 *   <li>{@value #STORE_BUFFERED} and {@value #STORE_REACHABLE} (gauges): the session store's failover buffer depth
 *       and whether its backend answers;</li>
 *   <li>{@value #FAILURE_RATE} and {@value #FAILURE_ALARM} (gauges): the share of failed turns over the engine's
 *       alarm window and whether the alarm is raised (1) or not (0).</li>
 * </ul>
 *
 * <p>Thread-safe. One instance may be bound to several registries; turns reach every bound timer.
 */
public final class DialogEngineMetrics implements MeterBinder, TurnListener {

    public static final String TURNS = "ivbot.turns";
    public static final String FALLBACKS = "ivbot.fallbacks";
    public static final String LATENCY = "ivbot.turn.latency";
    public static final String CLASSIFIER_TIMEOUTS = "ivbot.classifier.timeouts";
    public static final String CLASSIFIER_ERRORS = "ivbot.classifier.errors";
    public static final String ERRORS = "ivbot.errors";
    public static final String REFUSED = "ivbot.refused";
    public static final String DEGRADED = "ivbot.degraded";
    public static final String MODEL_INFO = "ivbot.model.info";
    public static final String STORE_BUFFERED = "ivbot.store.buffered.saves";
    public static final String STORE_REACHABLE = "ivbot.store.reachable";
    public static final String STORE_IN_DOUBT = "ivbot.store.in.doubt.saves";
    public static final String STORE_ACCEPTING = "ivbot.store.accepting";
    public static final String FAILURE_RATE = "ivbot.failure.rate";
    public static final String FAILURE_ALARM = "ivbot.failure.alarm";

    private final Tags tags;
    private final AtomicReference<@Nullable DialogEngine> engine = new AtomicReference<>();
    private final List<Timer> timers = new CopyOnWriteArrayList<>();
    private final List<MultiGauge> modelGauges = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> modelKey = new AtomicReference<>("");
    private volatile Supplier<String> modelVersion = () -> {
        DialogEngine e = engine.get();
        return e == null ? "none" : e.primaryClassifier().version();
    };

    private DialogEngineMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /** A binding without extra tags. */
    public static DialogEngineMetrics create() {
        return new DialogEngineMetrics(Tags.empty());
    }

    /** A binding whose meters all carry {@code tags} (for example {@code app=hr-portal}). */
    public static DialogEngineMetrics create(Iterable<Tag> tags) {
        return new DialogEngineMetrics(tags);
    }

    /** The engine to read counters and gauges from; call once the engine is built, before {@link #bindTo}. */
    public DialogEngineMetrics monitor(DialogEngine engine) {
        Objects.requireNonNull(engine, "engine");
        if (!this.engine.compareAndSet(null, engine) && this.engine.get() != engine) {
            throw new IllegalStateException("already monitoring another engine");
        }
        return this;
    }

    /**
     * Where the {@code version} tag of {@value #MODEL_INFO} comes from; default the primary
     * classifier's {@link IntentClassifier#version()} (for the ONNX classifier pass its
     * {@code servingVersion()}).
     */
    public DialogEngineMetrics modelVersion(Supplier<String> version) {
        this.modelVersion = Objects.requireNonNull(version, "version");
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        DialogEngine e = engine.get();
        if (e == null) {
            throw new IllegalStateException("call monitor(engine) before bindTo(registry)");
        }
        EngineMetrics m = e.metrics();
        for (Source source : Source.values()) {
            FunctionCounter.builder(TURNS, m, x -> x.turns(source))
                    .description("Answered turns by where the intent came from")
                    .tags(tags).tag("source", lower(source)).register(registry);
        }
        for (FallbackReason reason : FallbackReason.values()) {
            FunctionCounter.builder(FALLBACKS, m, x -> x.fallbacks(reason))
                    .description("Fallback replies by reason")
                    .tags(tags).tag("reason", lower(reason)).register(registry);
        }
        counter(registry, CLASSIFIER_TIMEOUTS, m, EngineMetrics::classifierTimeouts,
                "Classifier calls that missed the deadline");
        counter(registry, CLASSIFIER_ERRORS, m, EngineMetrics::classifierErrors, "Classifier calls that threw");
        counter(registry, ERRORS, m, EngineMetrics::errors, "Turns that failed with an unexpected exception");
        counter(registry, REFUSED, m, EngineMetrics::refused, "Requests refused for bad input or another user's session");
        counter(registry, DEGRADED, m, EngineMetrics::degraded, "Replies from a lesser path than the primary classifier");

        timers.add(Timer.builder(LATENCY)
                .description("Time spent inside the engine per turn")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry));

        Gauge.builder(STORE_BUFFERED, e, x -> x.sessionStore().health().bufferedSaves())
                .description("Session saves waiting in the store's failover buffer")
                .tags(tags).register(registry);
        Gauge.builder(STORE_REACHABLE, e, x -> x.sessionStore().health().reachable() ? 1 : 0)
                .description("1 when the session store's backend answers, else 0")
                .tags(tags).register(registry);
        Gauge.builder(STORE_IN_DOUBT, e, x -> x.sessionStore().health().inDoubtSaves())
                .description("Buffered saves that ran on a master but are not confirmed by its replicas (not acknowledged)")
                .tags(tags).register(registry);
        Gauge.builder(STORE_ACCEPTING, e, x -> x.sessionStore().health().accepting() ? 1 : 0)
                .description("1 while turns are answered (directly or through the failover buffer), else 0")
                .tags(tags).register(registry);
        Gauge.builder(FAILURE_RATE, m, EngineMetrics::failureRate)
                .description("Share of fallback and failed turns over the alarm window")
                .tags(tags).register(registry);
        Gauge.builder(FAILURE_ALARM, m, x -> x.failureAlarmRaised() ? 1 : 0)
                .description("1 while the failure-rate alarm is raised, else 0")
                .tags(tags).register(registry);

        modelGauges.add(MultiGauge.builder(MODEL_INFO)
                .description("The classifier and model version serving now (value always 1)")
                .tags(tags).register(registry));
        modelKey.set("");
        refresh();
    }

    /** Records the turn's latency; updates the model version tag if the serving model changed. */
    @Override
    public void onTurn(TurnEvent event) {
        Reply reply = event.reply();
        if (reply != null) {
            for (Timer timer : timers) {
                timer.record(reply.latency());
            }
        }
        refresh();
    }

    /** Re-reads the serving model version (call before a scrape to see a hot reload without a turn). */
    public void refresh() {
        DialogEngine e = engine.get();
        if (e == null || modelGauges.isEmpty()) {
            return;
        }
        String classifier = e.primaryClassifier().name();
        String version;
        try {
            version = String.valueOf(modelVersion.get());
        } catch (RuntimeException ex) {
            version = "unknown";
        }
        String key = classifier + '\u0000' + version;
        String previous = modelKey.getAndSet(key);
        if (key.equals(previous)) {
            return;
        }
        List<MultiGauge.Row<?>> rows = List.of(MultiGauge.Row.of(Tags.of("classifier", classifier, "version", version), 1));
        for (MultiGauge gauge : modelGauges) {
            gauge.register(rows, true);
        }
    }

    private void counter(MeterRegistry registry, String name, EngineMetrics m,
            ToDoubleFunction<EngineMetrics> f, String description) {
        FunctionCounter.builder(name, m, f).description(description).tags(tags).register(registry);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
