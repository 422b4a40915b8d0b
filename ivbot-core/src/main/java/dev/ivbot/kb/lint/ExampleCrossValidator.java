package dev.ivbot.kb.lint;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model that {@link KbLinter} cross-validates on the KB's own examples to find confusable intents:
 * each example is classified by a model trained without it. {@code ivbot-onnx} ships one over the
 * serving encoder and head ({@code OnnxCrossValidator}).
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ExampleCrossValidator {

    /**
     * The out-of-fold prediction for every example of {@code language}: intents in
     * {@link KnowledgeBase#intents()} order, each intent's {@link dev.ivbot.kb.Intent#examples}
     * in order; null where the model predicts no intent.
     */
    List<@Nullable String> outOfFold(KnowledgeBase kb, Language language);
}
