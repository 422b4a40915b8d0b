package dev.ivbot.spi;

import dev.ivbot.review.internal.InMemoryReviewQueue;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;

/**
 * Where the turns an operator should look at are kept (see {@link dev.ivbot.review.ReviewRecorder}):
 * bounded in number, and each kept for a retention period after it was asked. Items arrive already
 * redacted.
 *
 * <p>Implementations are thread-safe.
 */
public interface ReviewQueue extends AutoCloseable {

    /** How long an item is kept by default. */
    Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** How many items the in-memory queue keeps by default. */
    int DEFAULT_CAPACITY = 10_000;

    /** Adds an item; past the bound the oldest items make room. */
    void add(ReviewItem item);

    /** The items within retention, oldest first. */
    List<ReviewItem> items();

    /** Removes these items (reviewed); ids not in the queue are ignored. Returns how many were removed. */
    int remove(Collection<String> ids);

    /** The number of items within retention. */
    default int size() {
        return items().size();
    }

    /** Closes what the queue created (connections); the in-memory queue holds nothing. */
    @Override
    default void close() {}

    /** An in-memory queue with {@link #DEFAULT_CAPACITY} and {@link #DEFAULT_RETENTION}. */
    static ReviewQueue inMemory() {
        return inMemory(DEFAULT_CAPACITY, DEFAULT_RETENTION, InstantSource.system());
    }

    /**
     * An in-memory queue of at most {@code capacity} items, each kept {@code retention} after its
     * {@link ReviewItem#time()} by {@code clock}.
     */
    static ReviewQueue inMemory(int capacity, Duration retention, InstantSource clock) {
        return new InMemoryReviewQueue(capacity, retention, clock);
    }
}
