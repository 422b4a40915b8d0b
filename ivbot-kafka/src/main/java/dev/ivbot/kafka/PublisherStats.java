package dev.ivbot.kafka;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link KafkaTurnPublisher} has done since it was built. Every turn it heard of is in
 * exactly one of {@code acknowledged}, {@code dropped}, {@code failed} or {@code buffered}.
 *
 * @param accepted turns heard of
 * @param acknowledged records the broker acknowledged (acks=all): these are in the topic, once
 * @param dropped records never sent because the buffer was full (the broker down or slow)
 * @param failed records handed to the producer that it gave up on (delivery timeout, a
 *     non-retriable error, or still unsent when {@link KafkaTurnPublisher#close()} gave up waiting)
 * @param buffered records waiting in the buffer or in flight now
 * @param capacity the buffer's size in records
 * @param lastError the last delivery error, or {@code null} if none since the last success
 *
 * <p>Immutable and thread-safe.
 */
public record PublisherStats(long accepted, long acknowledged, long dropped, long failed, long buffered,
        int capacity, @Nullable String lastError) {

    /** Records that will never reach the topic: dropped plus failed. */
    public long lost() {
        return dropped + failed;
    }

    /** True while the last delivery succeeded and the buffer has room: for a health check. */
    public boolean healthy() {
        return lastError == null && buffered < capacity;
    }
}
