package dev.ivbot.review;

import dev.ivbot.Language;
import java.util.List;

/**
 * Turns questions into vectors for {@link ReviewService} to cluster: the serving model's encoder
 * ({@code OnnxIntentClassifier::embed} in ivbot-onnx), so that "similar" means what the classifier
 * sees. Vectors of one language are compared with each other only.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface Embedder {

    /** One vector per text, in order, all of one width for a language. */
    float[][] embed(List<String> texts, Language language);
}
