package dev.ivbot.internal;

import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A follow-up read as one text with its topic question ({@link ClassifierInput#joinedWithTopic()}):
 * on the calling thread by a non-blocking classifier, else on {@code executor}. What the SPI's
 * default {@link IntentClassifier#classifyFollowUpAsync} does, and what the engine asks of any
 * classifier for {@link dev.ivbot.ContextReading#PRIMARY} and {@link dev.ivbot.ContextReading#FAST}.
 * Stateless and thread-safe.
 */
public final class JoinedReading {
    private JoinedReading() {}

    /** The reading; a failure of a non-blocking classifier comes back in the future, not thrown. */
    public static CompletableFuture<Classification> read(IntentClassifier classifier, ClassifierInput followUp,
            Executor executor) {
        ClassifierInput joined = followUp.joinedWithTopic();
        if (!classifier.isNonBlocking()) {
            return classifier.classifyAsync(joined, executor);
        }
        try {
            return CompletableFuture.completedFuture(classifier.classify(joined));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
