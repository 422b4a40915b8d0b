package dev.ivbot.internal;

import dev.ivbot.ContextReading;
import dev.ivbot.FallbackReason;
import dev.ivbot.Source;
import dev.ivbot.internal.DialogPolicy.Decision;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A turn's stand-alone verdict weighed against the topic: a classifier reads the topic's question and the
 * turn together ({@link ContextReading}), and {@link DialogPolicy#resolve} decides between sub-question and
 * new topic. Skipped when the verdict already answers the topic or is a sure switch; a reading that fails
 * or misses the deadline leaves the stand-alone verdict standing. Thread-safe.
 */
public final class ContextReader {
    private static final Logger LOG = LoggerFactory.getLogger(ContextReader.class);

    private final ContextReading reading;
    private final Executor executor;
    private final long deadlineNanos;

    public ContextReader(ContextReading reading, Executor executor, long deadlineNanos) {
        this.reading = reading;
        this.executor = executor;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * The decision for a follow-up: {@code followUp} carries the topic, its question and the slots in force;
     * never completed exceptionally.
     */
    public CompletableFuture<Decision> weigh(EngineRuntime rt, DialogPolicy.Context context, Decision alone,
            ClassifierInput followUp) {
        IntentClassifier reader = switch (reading) {
            case OFF -> null;
            case FAST -> rt.fastClassifier();
            case PRIMARY, COMPOSED -> rt.primary();
        };
        if (reader == null || alone.reason() == FallbackReason.CLASSIFIER_UNAVAILABLE
                || !DialogPolicy.needsContextReading(context, alone, followUp.normalized(), rt.closings())) {
            return CompletableFuture.completedFuture(alone);
        }
        CompletableFuture<@Nullable Classification> read;
        try {
            read = (reading == ContextReading.COMPOSED ? reader.classifyFollowUpAsync(followUp, executor)
                    : JoinedReading.read(reader, followUp, executor)).<@Nullable Classification>thenApply(c -> c)
                    .completeOnTimeout(null, deadlineNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        // the stand-alone verdict's scores are the model's when the primary model answered, not the rules in its place
        boolean modelScores = rt.primary().source() == Source.MODEL && !alone.degraded();
        return read.handle((c, e) -> {
            Decision inContext = null;
            if (e != null || c == null) {
                // the context reading is an aid: without it the policy weighs the stand-alone verdict alone
                LOG.debug("context reading by {} gave nothing: {}", reader.name(), e == null ? "deadline" : e.toString());
            } else {
                inContext = DialogPolicy.standalone(rt.knowledgeBase(), c, Source.CONTEXT, alone.degraded(),
                        followUp.language());
            }
            return DialogPolicy.resolve(context, alone, inContext, followUp.normalized(), modelScores);
        });
    }
}
