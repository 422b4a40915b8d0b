package dev.ivbot.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a single server or to the master that Sentinel names (Lettuce asks the
 * sentinels again on every reconnect, so it follows a failover by itself). Thread-safe.
 */
public final class StandaloneBackend implements Backend {

    private final StatefulRedisConnection<String, String> connection;
    private final CompletableFuture<StatefulRedisConnection<String, String>> ready;
    private final boolean ownsConnection;
    private final @Nullable RedisClient ownedClient;
    private final @Nullable ClientResources ownedResources;
    private final boolean replicated;
    private final String description;

    public StandaloneBackend(StatefulRedisConnection<String, String> connection, boolean ownsConnection,
            @Nullable RedisClient ownedClient, @Nullable ClientResources ownedResources, boolean replicated,
            String description) {
        this.connection = connection;
        this.ready = CompletableFuture.completedFuture(connection);
        this.ownsConnection = ownsConnection;
        this.ownedClient = ownedClient;
        this.ownedResources = ownedResources;
        this.replicated = replicated;
        this.description = description;
    }

    @Override
    public CompletableFuture<StatefulRedisConnection<String, String>> connectionFor(String key) {
        return ready;
    }

    @Override
    public boolean isUp() {
        return connection.isOpen();
    }

    @Override
    public boolean replicated() {
        return replicated;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (ownsConnection) {
            connection.close();
        }
        if (ownedClient != null) {
            ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (ownedResources != null) {
            ownedResources.shutdown();
        }
    }
}
