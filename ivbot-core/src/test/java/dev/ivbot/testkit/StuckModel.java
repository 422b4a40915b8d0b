package dev.ivbot.testkit;

import dev.ivbot.Source;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A blocking "model" that answers only once {@code release} is counted down (or after 30 s), so it
 * misses any deadline a test sets; release it in the test's tear-down. Thread-safe.
 */
public final class StuckModel implements IntentClassifier {
    private final CountDownLatch release;

    public StuckModel(CountDownLatch release) {
        this.release = release;
    }

    @Override
    public String name() {
        return "stuck";
    }

    @Override
    public Source source() {
        return Source.MODEL;
    }

    @Override
    public Classification classify(ClassifierInput input) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Classification(List.of(new ScoredIntent("salary", 0.99)), "stuck");
    }
}
