package dev.ivbot.internal;

import dev.ivbot.FallbackReason;
import dev.ivbot.Language;
import dev.ivbot.Source;
import dev.ivbot.internal.DialogPolicy.Decision;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A turn's stand-alone verdict: the classification cache, then the primary classifier under the deadline,
 * then the secondary when the primary misses the deadline or fails; with neither, the
 * {@link FallbackReason#CLASSIFIER_UNAVAILABLE} decision. A classifier that answers after its deadline is
 * cancelled and its answer dropped. Thread-safe: one chain serves all of an engine's turns.
 */
public final class ClassifierChain {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierChain.class);

    /** Neither classifier answered in time. */
    public static final Decision UNAVAILABLE =
            new Decision(null, 0, Source.FALLBACK, FallbackReason.CLASSIFIER_UNAVAILABLE, List.of(), true);

    private final Executor executor;
    private final ScheduledExecutorService timers;
    private final long deadlineNanos;
    private final Runnable onTimeout;
    private final Runnable onError;

    /**
     * @param executor where blocking classifiers run
     * @param timers where the deadlines fire
     * @param onTimeout told of each classifier that missed its deadline (a metric)
     * @param onError told of each classifier that failed (a metric)
     */
    public ClassifierChain(Executor executor, ScheduledExecutorService timers, long deadlineNanos, Runnable onTimeout,
            Runnable onError) {
        this.executor = executor;
        this.timers = timers;
        this.deadlineNanos = deadlineNanos;
        this.onTimeout = onTimeout;
        this.onError = onError;
    }

    /** The verdict on {@code input} alone; never completed exceptionally. */
    public CompletableFuture<Decision> classify(EngineRuntime rt, ClassifierInput input, ClassifierTrace trace) {
        String normalized = input.normalized();
        Language language = input.language();
        long deadline = System.nanoTime() + deadlineNanos;
        // a canary serves users different versions: each reads only its own version's cache entries
        String version = rt.primary().versionFor(input);
        Classification cached = rt.cached(normalized, version);
        if (cached != null) {
            trace.markClassified(cached);
            return CompletableFuture.completedFuture(
                    DialogPolicy.standalone(rt.knowledgeBase(), cached, Source.CACHE, false, language));
        }
        trace.markPrimaryAsked();
        return run(rt.primary(), input, deadline, trace, true).thenCompose(result -> {
            if (result != null) {
                trace.markClassified(result);
                rt.cache(normalized, result, version);
                return CompletableFuture.completedFuture(
                        DialogPolicy.standalone(rt.knowledgeBase(), result, rt.primary().source(), false, language));
            }
            IntentClassifier secondary = rt.secondary();
            if (secondary == null) {
                return CompletableFuture.completedFuture(UNAVAILABLE);
            }
            return run(secondary, input, deadline, trace, false).thenApply(answer -> {
                if (answer == null) {
                    return UNAVAILABLE;
                }
                trace.markClassified(answer);
                return DialogPolicy.standalone(rt.knowledgeBase(), answer, secondary.source(), true, language);
            });
        });
    }

    /** The classification, or null when the classifier failed or missed the deadline. */
    private CompletableFuture<@Nullable Classification> run(IntentClassifier classifier, ClassifierInput input,
            long deadline, ClassifierTrace trace, boolean primary) {
        if (classifier.isNonBlocking()) {
            try {
                return CompletableFuture.completedFuture(classifier.classify(input));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(failed(classifier, e, trace, primary));
            }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(timedOut(classifier, trace, primary));
        }
        CompletableFuture<Classification> future;
        try {
            future = classifier.classifyAsync(input, executor);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(classifier, e, trace, primary));
        }
        CompletableFuture<@Nullable Classification> bounded = new CompletableFuture<>();
        future.whenComplete((c, e) -> {
            if (e == null) {
                bounded.complete(c);
            } else if (!bounded.isDone()) {
                bounded.complete(failed(classifier, cause(e), trace, primary));
            }
        });
        ScheduledFuture<?> timer = timers.schedule(() -> {
            if (!bounded.isDone() && bounded.complete(timedOut(classifier, trace, primary))) {
                future.cancel(true);
            }
        }, remaining, TimeUnit.NANOSECONDS);
        // an answer in time cancels its timer, so that timers do not pile up under load
        bounded.whenComplete((c, e) -> timer.cancel(false));
        return bounded;
    }

    private @Nullable Classification timedOut(IntentClassifier classifier, ClassifierTrace trace, boolean primary) {
        onTimeout.run();
        trace.markMissed(primary, true);
        LOG.debug("classifier {} missed the {} ms deadline", classifier.name(), deadlineNanos / 1_000_000);
        return null;
    }

    private @Nullable Classification failed(IntentClassifier classifier, Throwable cause, ClassifierTrace trace,
            boolean primary) {
        onError.run();
        trace.markMissed(primary, false);
        LOG.warn("classifier {} failed: {}", classifier.name(), cause.toString());
        return null;
    }

    /** The failure inside a future's wrappers ({@link CompletionException}, {@link ExecutionException}). */
    public static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
