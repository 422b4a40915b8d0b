package dev.ivbot.internal;

import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A weighted average of two classifiers' scores: the first (a model) decides with the second (fast
 * rules) as a second opinion. The second must be non-blocking: it runs on the calling thread while
 * the first's future completes.
 */
public final class BlendedClassifier implements IntentClassifier {
    private final IntentClassifier first;
    private final IntentClassifier second;
    private final double firstWeight;

    public BlendedClassifier(IntentClassifier first, IntentClassifier second, double firstWeight) {
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

    @Override
    public boolean isNonBlocking() {
        return first.isNonBlocking();
    }

    @Override
    public String version() {
        return first.version() + "+" + second.version();
    }

    @Override
    public IntentClassifier withKnowledgeBase(KnowledgeBase knowledgeBase) {
        IntentClassifier a = first.withKnowledgeBase(knowledgeBase);
        IntentClassifier b = second.withKnowledgeBase(knowledgeBase);
        return a == first && b == second ? this : new BlendedClassifier(a, b, firstWeight);
    }

    @Override
    public void close() {
        first.close();
        second.close();
    }

    private Classification blend(Classification a, Classification b) {
        Map<String, Double> scores = new HashMap<>();
        for (ScoredIntent s : a.ranked()) {
            scores.merge(s.intent(), firstWeight * s.score(), Double::sum);
        }
        for (ScoredIntent s : b.ranked()) {
            scores.merge(s.intent(), (1 - firstWeight) * s.score(), Double::sum);
        }
        List<ScoredIntent> ranked = new ArrayList<>(scores.size());
        scores.forEach((intent, score) -> ranked.add(new ScoredIntent(intent, score)));
        ranked.sort((x, y) -> Double.compare(y.score(), x.score()));
        return new Classification(ranked.size() > 5 ? ranked.subList(0, 5) : ranked, a.modelVersion());
    }
}
