package dev.ivbot.spi;

import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import java.util.Optional;
import java.util.Set;
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
 * <p><b>Ownership.</b> Whoever creates a classifier closes it, and nothing else does. The engine
 * closes only the classifiers it built itself from a {@link dev.ivbot.DialogEngine.ClassifierSpec}
 * (on a KB reload it builds new ones from the spec and closes the old ones once no turn uses them);
 * an instance handed to the builder stays its creator's, who closes it after the engine. A
 * {@linkplain #blend blend} owns neither of its parts.
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

    /**
     * Reads a turn as a possible sub-question of the dialog's topic, for the dialog policy to weigh
     * against the turn's own reading ({@link dev.ivbot.ContextReading}): {@code followUp} is the
     * turn with {@link ClassifierInput#lastQuestion()}, the question that set the topic. The default
     * classifies the two joined as one text ({@link ClassifierInput#joinedWithTopic()}): with
     * {@link #classify} on the calling thread when the classifier is {@linkplain #isNonBlocking()
     * non-blocking}, else with {@link #classifyAsync}. A classifier that can compose the reading
     * from what it already read of the two texts (the ONNX classifier, from their embeddings)
     * overrides it to answer without another pass. The engine caches none of these readings.
     */
    default CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
        return dev.ivbot.internal.JoinedReading.read(this, followUp, executor);
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
     * The version that would answer {@code input}: {@link #version()} unless the classifier serves
     * different versions to different users (a canary rollout). Part of the engine's cache key, so
     * that a user never gets another version's cached reading.
     */
    default String versionFor(ClassifierInput input) {
        return version();
    }

    /**
     * The intents this classifier can rank, when that can differ from the KB's (a model trained on
     * an earlier version of the KB); empty when it ranks every intent of the KB it was built from.
     * A blend scores an intent the first classifier does not know by the second opinion alone.
     */
    default Optional<Set<String>> knownIntents() {
        return Optional.empty();
    }

    /** What the classifier reports to health checks; the default is always serving. */
    default ClassifierStatus status() {
        return ClassifierStatus.serving(version());
    }

    /** Releases what the classifier created (native sessions, threads), nothing it was given. Idempotent. */
    @Override
    default void close() {}

    /**
     * A classifier whose scores are {@code firstWeight} times {@code first}'s plus the rest times
     * {@code secondOpinion}'s, for a model that takes fast rules as a second opinion. The second
     * opinion must be {@linkplain #isNonBlocking() non-blocking}. The blend owns neither part: closing
     * it closes nothing, the parts' creators close them.
     */
    static IntentClassifier blend(IntentClassifier first, IntentClassifier secondOpinion, double firstWeight) {
        return new dev.ivbot.internal.BlendedClassifier(first, secondOpinion, firstWeight);
    }

    /**
     * As {@link #blend}, but the blend takes ownership of {@code secondOpinion}: closing the blend
     * closes it (never {@code first}). For a second opinion built only for this blend.
     */
    static IntentClassifier blendOwningSecondOpinion(IntentClassifier first, IntentClassifier secondOpinion,
            double firstWeight) {
        return new dev.ivbot.internal.BlendedClassifier(first, secondOpinion, firstWeight, true);
    }
}
