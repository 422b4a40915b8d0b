package dev.ivbot.redis.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletableFuture;

/**
 * Where the store's commands go: the connection to the master that holds a key. One connection
 * per master, so that a {@code WAIT} after a save on the same connection covers that save.
 *
 * <p>Implementations are thread-safe.
 */
public interface Backend extends AutoCloseable {

    /** The connection to the master that holds {@code key}; fails if none is known. */
    CompletableFuture<StatefulRedisConnection<String, String>> connectionFor(String key);

    /** False when the store knows no master is reachable now (worth skipping a replay round). */
    boolean isUp();

    /** Called before buffered commands are replayed (Cluster refreshes its topology). */
    default void beforeReplay() {}

    /** Whether replicas exist by construction (Sentinel, Cluster): the default for replica acks. */
    boolean replicated();

    /** For logs and health, e.g. {@code "sentinel mymaster"}. */
    String describe();

    /** Closes what this backend created; leaves what the host gave it open. */
    @Override
    void close();
}
