package dev.ivbot.onnx;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.IntentClassifier;
import java.util.Objects;

/**
 * The hybrid classifier setup: the model decides with a fast, non-blocking second opinion (scores
 * blended, {@link #MODEL_WEIGHT} to the model), and the second opinion alone answers when the model
 * misses the engine's deadline or fails. The second opinion is any {@link DialogEngine.ClassifierSpec}:
 * with {@code ivbot-rules}, {@code RuleClassifier.factory()}, which on the demo KB's held-out files
 * beats either alone (docs/evaluation.md). This module does not depend on the rules: a model-only
 * user does not pull them in.
 *
 * <pre>{@code
 * DialogEngine engine = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model, RuleClassifier.factory())
 *         .build();
 * }</pre>
 *
 * <p>To retrain the model when the KB's examples change, use {@link ModelLifecycle#hybrid(DialogEngine.ClassifierSpec)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hybrid {

    /** The model's share of the blended scores; the rules give the rest. Chosen on eval/dev.jsonl. */
    public static final double MODEL_WEIGHT = 0.7;

    private Hybrid() {}

    /**
     * Sets the primary (model blended with the second opinion) and the secondary (the second opinion
     * alone) classifiers. The engine builds and closes the blend and the second opinions for each KB
     * it serves; {@code model} stays the caller's: close it after the engine.
     */
    public static DialogEngine.Builder configure(DialogEngine.Builder builder, IntentClassifier model,
            DialogEngine.ClassifierSpec secondOpinion) {
        return configure(builder, model, secondOpinion, MODEL_WEIGHT);
    }

    /** As {@link #configure(DialogEngine.Builder, IntentClassifier, DialogEngine.ClassifierSpec)} with another model weight in (0, 1]. */
    public static DialogEngine.Builder configure(DialogEngine.Builder builder, IntentClassifier model,
            DialogEngine.ClassifierSpec secondOpinion, double modelWeight) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(secondOpinion, "secondOpinion");
        return builder.primaryClassifier(spec(model, secondOpinion, modelWeight)).secondaryClassifier(secondOpinion);
    }

    /**
     * The hybrid's primary as a spec: for each KB, {@code model} blended with a second opinion built
     * from that KB. Each blend owns (and closes) its second opinion; {@code model} stays the caller's.
     */
    public static DialogEngine.ClassifierSpec spec(IntentClassifier model, DialogEngine.ClassifierSpec secondOpinion,
            double modelWeight) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(secondOpinion, "secondOpinion");
        return kb -> classifier(model, secondOpinion, kb, modelWeight);
    }

    /**
     * The hybrid's primary alone: {@code model} blended with {@code secondOpinion} built from
     * {@code knowledgeBase}; closing it closes that second opinion, not the model.
     */
    public static IntentClassifier classifier(IntentClassifier model, DialogEngine.ClassifierSpec secondOpinion,
            KnowledgeBase knowledgeBase, double modelWeight) {
        IntentClassifier second = secondOpinion.create(knowledgeBase);
        try {
            return IntentClassifier.blendOwningSecondOpinion(model, second, modelWeight);
        } catch (RuntimeException e) {
            second.close();
            throw e;
        }
    }
}
