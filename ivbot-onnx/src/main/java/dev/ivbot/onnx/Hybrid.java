package dev.ivbot.onnx;

import dev.ivbot.DialogEngine;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.IntentClassifier;
import java.util.Objects;

/**
 * The hybrid classifier setup: the model decides with the rule classifier as a second opinion
 * (scores blended, {@link #MODEL_WEIGHT} to the model), and the rules alone answer when the model
 * misses the engine's deadline or fails. On the demo KB's held-out files this beats either alone
 * (docs/evaluation.md).
 *
 * <pre>{@code
 * DialogEngine engine = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model).build();
 * }</pre>
 *
 * <p>To retrain the model when the KB's examples change, use {@link ModelLifecycle#hybrid()}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hybrid {

    /** The model's share of the blended scores; the rules give the rest. Chosen on eval/dev.jsonl. */
    public static final double MODEL_WEIGHT = 0.7;

    private Hybrid() {}

    /**
     * Sets the primary (model blended with rules) and secondary (rules) classifiers. The engine
     * builds and closes the blend and the rules for each KB it serves; {@code model} stays the
     * caller's: close it after the engine.
     */
    public static DialogEngine.Builder configure(DialogEngine.Builder builder, OnnxIntentClassifier model) {
        return configure(builder, model, MODEL_WEIGHT);
    }

    /** As {@link #configure(DialogEngine.Builder, OnnxIntentClassifier)} with another model weight in (0, 1]. */
    public static DialogEngine.Builder configure(DialogEngine.Builder builder, IntentClassifier model,
            double modelWeight) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(model, "model");
        return builder.primaryClassifier(kb -> classifier(model, kb, modelWeight))
                .secondaryClassifier(RuleClassifier.factory());
    }

    /** The hybrid's primary alone: {@code model} blended with the rules of {@code knowledgeBase}. */
    public static IntentClassifier classifier(IntentClassifier model, dev.ivbot.kb.KnowledgeBase knowledgeBase,
            double modelWeight) {
        return IntentClassifier.blend(model, RuleClassifier.create(knowledgeBase), modelWeight);
    }
}
