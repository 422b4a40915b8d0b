package dev.ivbot.redis.internal;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each key to the node connection of its slot's master, as the cluster connection knows the
 * topology, so that a save and the {@code WAIT} after it share one connection. A redirect or a lost
 * master makes the command fail as transient; the store buffers it and this backend refreshes the
 * topology before the replay. Thread-safe.
 */
public final class ClusterBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterBackend.class);
    private static final long REFRESH_EVERY_NANOS = Duration.ofMillis(200).toNanos();

    private final StatefulRedisClusterConnection<String, String> connection;
    private final @Nullable RedisClusterClient client;
    private final boolean ownsConnection;
    private final boolean ownsClient;
    private final @Nullable ClientResources ownedResources;
    private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime());
    private final AtomicBoolean refreshing = new AtomicBoolean();

    public ClusterBackend(StatefulRedisClusterConnection<String, String> connection, @Nullable RedisClusterClient client,
            boolean ownsConnection, boolean ownsClient, @Nullable ClientResources ownedResources) {
        this.connection = connection;
        this.client = client;
        this.ownsConnection = ownsConnection;
        this.ownsClient = ownsClient;
        this.ownedResources = ownedResources;
    }

    @Override
    public CompletableFuture<StatefulRedisConnection<String, String>> connectionFor(String key) {
        int slot = SlotHash.getSlot(key);
        RedisClusterNode master = connection.getPartitions().getMasterBySlot(slot);
        if (master == null) {
            return CompletableFuture.failedFuture(new RedisException("CLUSTERDOWN no master known for slot " + slot));
        }
        RedisURI uri = master.getUri();
        return connection.getConnectionAsync(uri.getHost(), uri.getPort());
    }

    @Override
    public boolean isUp() {
        return true;
    }

    @Override
    public void beforeReplay() {
        long now = System.nanoTime();
        long last = lastRefresh.get();
        if (client == null || now - last < REFRESH_EVERY_NANOS || !lastRefresh.compareAndSet(last, now)
                || !refreshing.compareAndSet(false, true)) {
            return;
        }
        client.refreshPartitionsAsync().whenComplete((v, e) -> {
            refreshing.set(false);
            if (e != null) {
                LOG.debug("cluster topology refresh failed: {}", e.toString());
            }
        });
    }

    @Override
    public boolean replicated() {
        return true;
    }

    @Override
    public String describe() {
        return "cluster of " + connection.getPartitions().size() + " nodes";
    }

    @Override
    public void close() {
        if (ownsConnection) {
            connection.close();
        }
        if (ownsClient && client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (ownedResources != null) {
            ownedResources.shutdown();
        }
    }
}
