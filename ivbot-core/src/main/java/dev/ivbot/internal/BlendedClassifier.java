package dev.ivbot.internal;

import dev.ivbot.Source;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A weighted average of two classifiers' scores: the first (a model) decides with the second (fast
 * rules) as a second opinion. The second must be non-blocking: it runs on the calling thread while
 * the first's future completes.
 *
 * <p>When the two know different intents (a model trained on an earlier KB, rules built from the
 * KB in force), the second's intents are the truth: an intent only the first knows (removed from
 * the KB) is dropped from the ranking, and one only the second knows (just added) is scored by the
 * second alone, until a model that knows it is swapped in.
 *
 * <p>Thread-safe. Owns the second part only when built with {@code ownsSecond}: then
 * {@link #close()} closes it; the first is never the blend's.
 */
public final class BlendedClassifier implements IntentClassifier {
    private final IntentClassifier first;
    private final IntentClassifier second;
    private final double firstWeight;
    private final boolean ownsSecond;

    public BlendedClassifier(IntentClassifier first, IntentClassifier second, double firstWeight) {
        this(first, second, firstWeight, false);
    }

    public BlendedClassifier(IntentClassifier first, IntentClassifier second, double firstWeight, boolean ownsSecond) {
        if (!second.isNonBlocking()) {
            throw new IllegalArgumentException("the second opinion must be a non-blocking classifier, "
                    + second.name() + " is not");
        }
        if (!(firstWeight > 0 && firstWeight <= 1)) {
            throw new IllegalArgumentException("firstWeight must be in (0, 1], was " + firstWeight);
        }
        this.first = first;
        this.second = second;
        this.firstWeight = firstWeight;
        this.ownsSecond = ownsSecond;
    }

    @Override
    public String name() {
        return first.name() + "+" + second.name();
    }

    @Override
    public Source source() {
        return first.source();
    }

    @Override
    public Classification classify(ClassifierInput input) {
        return blend(first.classify(input), second.classify(input));
    }

    @Override
    public CompletableFuture<Classification> classifyAsync(ClassifierInput input, Executor executor) {
        CompletableFuture<Classification> model = first.classifyAsync(input, executor);
        Classification rules = second.classify(input);
        return model.thenApply(m -> blend(m, rules));
    }

    /** The first's follow-up reading blended with the second's (the rules read the joined text). */
    @Override
    public CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
        CompletableFuture<Classification> model = first.classifyFollowUpAsync(followUp, executor);
        Classification rules = second.classifyFollowUpAsync(followUp, executor).join();
        return model.thenApply(m -> blend(m, rules));
    }

    @Override
    public boolean isNonBlocking() {
        return first.isNonBlocking();
    }

    @Override
    public String version() {
        return first.version() + "+" + second.version();
    }

    @Override
    public String versionFor(ClassifierInput input) {
        return first.versionFor(input) + "+" + second.versionFor(input);
    }

    @Override
    public Optional<Set<String>> knownIntents() {
        return second.knownIntents().or(first::knownIntents);
    }

    /** The first's status: the model is what health checks ask about; the rules always serve. */
    @Override
    public ClassifierStatus status() {
        return first.status();
    }

    /** Closes nothing: the parts belong to whoever created them. */
    @Override
    public void close() {
        if (ownsSecond) {
            second.close();
        }
    }

    private Classification blend(Classification a, Classification b) {
        Set<String> firstKnows = first.knownIntents().orElse(null);
        Set<String> secondKnows = second.knownIntents().orElse(null);
        Map<String, Double> scores = new HashMap<>();
        for (ScoredIntent s : a.ranked()) {
            boolean removed = secondKnows != null && firstKnows != null && firstKnows.contains(s.intent())
                    && !secondKnows.contains(s.intent());
            if (!removed) {
                scores.merge(s.intent(), firstWeight * s.score(), Double::sum);
            }
        }
        for (ScoredIntent s : b.ranked()) {
            boolean unknownToFirst = firstKnows != null && secondKnows != null && secondKnows.contains(s.intent())
                    && !firstKnows.contains(s.intent());
            scores.merge(s.intent(), (unknownToFirst ? 1 : 1 - firstWeight) * s.score(), Double::sum);
        }
        List<ScoredIntent> ranked = new ArrayList<>(scores.size());
        scores.forEach((intent, score) -> ranked.add(new ScoredIntent(intent, score)));
        ranked.sort((x, y) -> Double.compare(y.score(), x.score()));
        // the model's margin stays the model's: the policy weighs how sure the model was, not the blend
        return new Classification(ranked.size() > 5 ? ranked.subList(0, 5) : ranked, a.modelVersion(), a.margin());
    }
}
