package dev.ivbot.spi;

import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Ranks the knowledge base's intents for a text.
 *
 * <p>The engine calls {@link #classify} on the request thread when {@link #isNonBlocking()} is
 * true (a rule engine that answers in microseconds), and otherwise {@link #classifyAsync} with a
 * deadline: a classifier that misses it gives way to the secondary classifier. A classifier that
 * batches requests overrides {@link #classifyAsync} to complete the future from its batch thread.
 *
 * <p>Implementations must be thread-safe.
 */
public interface IntentClassifier extends AutoCloseable {

    /** A short name for logs and metrics, e.g. {@code "rules"} or {@code "onnx"}. */
    String name();

    /** The source a reply reports when this classifier chose its intent. */
    Source source();

    /** Ranks the intents; may block. Throws on failure (the engine then uses the secondary classifier). */
    Classification classify(ClassifierInput input);

    /** Asynchronous form; the default runs {@link #classify} on {@code executor}. */
    default CompletableFuture<Classification> classifyAsync(ClassifierInput input, Executor executor) {
        return CompletableFuture.supplyAsync(() -> classify(input), executor);
    }

    /** True if {@link #classify} never blocks and takes microseconds; the engine then skips the thread hop. */
    default boolean isNonBlocking() {
        return false;
    }

    /** The version of the model now serving, part of the engine's cache key. */
    default String version() {
        return "1";
    }

    /**
     * The classifier to use with a reloaded knowledge base. A classifier built from the KB (rules)
     * returns a new instance; one with its own model lifecycle returns {@code this}. The engine
     * closes the old instance when it differs from the returned one.
     */
    default IntentClassifier withKnowledgeBase(KnowledgeBase knowledgeBase) {
        return this;
    }

    /** Releases what the classifier created (native sessions, threads). Idempotent. */
    @Override
    default void close() {}

    /**
     * A classifier whose scores are {@code firstWeight} times {@code first}'s plus the rest times
     * {@code secondOpinion}'s, for a model that takes fast rules as a second opinion. The second
     * opinion must be {@linkplain #isNonBlocking() non-blocking}; closing the blend closes both.
     */
    static IntentClassifier blend(IntentClassifier first, IntentClassifier secondOpinion, double firstWeight) {
        return new dev.ivbot.internal.BlendedClassifier(first, secondOpinion, firstWeight);
    }
}
