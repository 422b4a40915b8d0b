package dev.ivbot.testkit;

import dev.ivbot.Source;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A classifier that answers as {@code delegate} and records what it was asked: each text it
 * classified ({@link #read}) and, when it composes follow-ups itself, each follow-up
 * ({@link #followUps}, answered with the delegate's reading of the joined text, not recorded in
 * {@link #read}); otherwise follow-ups take the SPI's default. Thread-safe.
 */
public class RecordingClassifier implements IntentClassifier {
    public final List<ClassifierInput> read = new CopyOnWriteArrayList<>();
    public final List<ClassifierInput> followUps = new CopyOnWriteArrayList<>();
    private final IntentClassifier delegate;
    private final boolean nonBlocking;
    private final boolean composes;

    public RecordingClassifier(IntentClassifier delegate, boolean nonBlocking, boolean composes) {
        this.delegate = delegate;
        this.nonBlocking = nonBlocking;
        this.composes = composes;
    }

    /** A classifier that gives {@code answer} to every input. */
    public static IntentClassifier answering(Classification answer) {
        return new IntentClassifier() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public Source source() {
                return Source.MODEL;
            }

            @Override
            public Classification classify(ClassifierInput input) {
                return answer;
            }
        };
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public Source source() {
        return Source.MODEL;
    }

    @Override
    public Classification classify(ClassifierInput input) {
        read.add(input);
        return delegate.classify(input);
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public CompletableFuture<Classification> classifyFollowUpAsync(ClassifierInput followUp, Executor executor) {
        if (!composes) {
            return IntentClassifier.super.classifyFollowUpAsync(followUp, executor);
        }
        followUps.add(followUp);
        return CompletableFuture.completedFuture(delegate.classify(followUp.joinedWithTopic()));
    }
}
