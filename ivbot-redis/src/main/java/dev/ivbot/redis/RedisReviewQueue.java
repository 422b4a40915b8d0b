package dev.ivbot.redis;

import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The review queue in Redis, shared by a cluster of servers (the same Redis as the sessions will
 * do): a sorted set of item ids scored by time and a hash of the items' JSON, both under one hash
 * tag ({@code ivbot:review:{name}:...}) so that Redis Cluster keeps them in one slot. Each add
 * trims, in one script, what is past the retention and what is over the bound.
 *
 * <pre>{@code
 * try (RedisReviewQueue queue = RedisReviewQueue.create(RedisURI.create("redis://localhost:6379"))) { ... }
 * }</pre>
 *
 * <p>Thread-safe (one Lettuce connection). {@link #close()} closes only what the queue created.
 */
public final class RedisReviewQueue implements ReviewQueue {
    public static final String DEFAULT_NAME = "default";

    private static final String ADD = """
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
            local n = redis.call('ZCARD', KEYS[1]) - #old - tonumber(ARGV[5])
            if n > 0 then
              local extra = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[4], '+inf', 'LIMIT', 0, n)
              for _, id in ipairs(extra) do table.insert(old, id) end
            end
            for _, id in ipairs(old) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('HDEL', KEYS[2], id)
            end
            return #old
            """;
    private static final String EXPIRE = """
            local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
            for _, id in ipairs(old) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('HDEL', KEYS[2], id)
            end
            return #old
            """;

    private final @Nullable RedisClient ownClient;
    private final StatefulRedisConnection<String, String> connection;
    private final boolean ownsConnection;
    private final String indexKey;
    private final String itemsKey;
    private final int capacity;
    private final Duration retention;
    private final InstantSource clock;

    private RedisReviewQueue(@Nullable RedisClient ownClient, StatefulRedisConnection<String, String> connection,
            boolean ownsConnection, String name, int capacity, Duration retention, InstantSource clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.ownClient = ownClient;
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.indexKey = "ivbot:review:{" + name + "}:index";
        this.itemsKey = "ivbot:review:{" + name + "}:items";
        this.capacity = capacity;
        this.retention = retention;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A queue named {@value #DEFAULT_NAME} with the default bound and retention; creates and owns its client. */
    public static RedisReviewQueue create(RedisURI uri) {
        return create(uri, DEFAULT_NAME, 100_000, DEFAULT_RETENTION, InstantSource.system());
    }

    /** A queue on its own client to {@code uri}; {@code name} separates queues that share a Redis. */
    public static RedisReviewQueue create(RedisURI uri, String name, int capacity, Duration retention,
            InstantSource clock) {
        RedisClient client = RedisClient.create(Objects.requireNonNull(uri, "uri"));
        try {
            return new RedisReviewQueue(client, client.connect(StringCodec.UTF8), true, name, capacity, retention, clock);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A queue on the host's connection (string codec), which it never closes. */
    public static RedisReviewQueue onConnection(StatefulRedisConnection<String, String> connection, String name,
            int capacity, Duration retention, InstantSource clock) {
        return new RedisReviewQueue(null, Objects.requireNonNull(connection, "connection"), false, name, capacity,
                retention, clock);
    }

    private RedisCommands<String, String> redis() {
        return connection.sync();
    }

    private String cutoff() {
        return Long.toString(clock.instant().minus(retention).toEpochMilli());
    }

    @Override
    public void add(ReviewItem item) {
        redis().eval(ADD, ScriptOutputType.INTEGER, new String[] {indexKey, itemsKey}, item.id(), item.toJson(),
                Long.toString(item.time().toEpochMilli()), cutoff(), Integer.toString(capacity));
    }

    @Override
    public List<ReviewItem> items() {
        redis().eval(EXPIRE, ScriptOutputType.INTEGER, new String[] {indexKey, itemsKey}, cutoff());
        List<String> ids = redis().zrange(indexKey, 0, -1);
        if (ids.isEmpty()) {
            return List.of();
        }
        List<ReviewItem> out = new ArrayList<>(ids.size());
        redis().hmget(itemsKey, ids.toArray(String[]::new)).forEach(kv -> {
            if (kv.hasValue()) {
                out.add(ReviewItem.fromJson(kv.getValue(), kv.getKey()));
            }
        });
        return out;
    }

    @Override
    public int remove(Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        String[] array = ids.toArray(String[]::new);
        long removed = redis().zrem(indexKey, array);
        redis().hdel(itemsKey, array);
        return (int) removed;
    }

    @Override
    public int size() {
        redis().eval(EXPIRE, ScriptOutputType.INTEGER, new String[] {indexKey, itemsKey}, cutoff());
        return redis().zcard(indexKey).intValue();
    }

    @Override
    public void close() {
        if (ownsConnection) {
            connection.close();
        }
        if (ownClient != null) {
            ownClient.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RedisReviewQueue[" + indexKey + ", capacity=" + capacity + ", retention=" + retention + "]";
    }
}
