package dev.ivbot.redis.internal;

import dev.ivbot.internal.runtime.DaemonThreads;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the master that Sentinel names, moved to the new master as soon as Sentinel
 * names another one. Lettuce asks the sentinels for the master only when it reconnects, and a
 * master that freezes (a partition: no TCP reset, no closed socket) never makes it reconnect: its
 * commands just time out, and after the freeze the old master takes writes until Sentinel demotes
 * it, writes that its resync then discards. So every check interval this backend asks a sentinel
 * for the master's run id, and when it differs from the one its connection reaches, it connects
 * to the address that sentinel names and closes the old connection: its commands in flight fail
 * and go to the store's buffer, which replays them on the new master.
 *
 * <p>The client must not reconnect by itself ({@code autoReconnect(false)}): Lettuce reconnects to
 * the address it had, and a killed master that is restarted there comes back empty and takes
 * writes as a master until Sentinel demotes it, writes that are then lost. A lost connection is
 * replaced by this check instead, at once, with one to the master Sentinel names then.
 *
 * <p>Thread-safe.
 */
public final class SentinelBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(SentinelBackend.class);

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final String masterId;
    private final AtomicReference<Connected> current = new AtomicReference<>();
    private final ScheduledExecutorService checker;
    private volatile @Nullable StatefulRedisSentinelConnection<String, String> sentinel;
    /** The run id Sentinel names differs from the one the connection reaches, since this time (nanoTime), or 0. */
    private volatile long staleSinceNanos;
    private volatile boolean closed;

    /** {@code address} ({@code ip:port} as Sentinel names it) is null until a check has matched it. */
    private record Connected(StatefulRedisConnection<String, String> connection,
            CompletableFuture<StatefulRedisConnection<String, String>> ready, String runId, @Nullable String address) {}

    /** Connects through {@code uri}'s sentinels; the backend owns {@code client} and {@code resources}. */
    public SentinelBackend(RedisClient client, ClientResources resources, RedisURI uri, Duration checkInterval) {
        this.client = client;
        this.resources = resources;
        this.uri = uri;
        this.masterId = uri.getSentinelMasterId();
        this.current.set(connect());
        this.checker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ivbot-redis-sentinel-check"));
        long ms = checkInterval.toMillis();
        checker.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed && connection == connected().connection()) {
                    try {
                        checker.execute(SentinelBackend.this::check);
                    } catch (RejectedExecutionException e) {
                        // closing
                    }
                }
            }
        });
    }

    private Connected connect() {
        return connect(uri, null);
    }

    /**
     * The master at the address a sentinel just named, with the URI's credentials, database and
     * timeouts. Not through the sentinels again: Lettuce asks the first sentinel that answers, and
     * the failover's leader names the old master until it has reconfigured every replica (a
     * second or more after the others switched), so a lookup then could lead back into the
     * partition and hang there for the connect timeout.
     */
    private Connected connect(String host, int port) {
        RedisURI direct = RedisURI.builder().withHost(host).withPort(port).withAuthentication(uri)
                .withSsl(uri).withDatabase(uri.getDatabase()).withTimeout(uri.getTimeout()).build();
        if (uri.getClientName() != null) {
            direct.setClientName(uri.getClientName());
        }
        return connect(direct, host + ":" + port);
    }

    private Connected connect(RedisURI target, @Nullable String address) {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8, target);
        try {
            return new Connected(c, CompletableFuture.completedFuture(c), runId(c), address);
        } catch (RuntimeException e) {
            c.closeAsync();
            throw e;
        }
    }

    private static String runId(StatefulRedisConnection<String, String> c) {
        for (String line : c.sync().info("server").split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        return "";
    }

    /** Asks a sentinel which master serves now, and moves the connection if it is another one. */
    private void check() {
        if (closed) {
            return;
        }
        try {
            StatefulRedisSentinelConnection<String, String> s = sentinel;
            if (s == null || !s.isOpen()) {
                s = client.connectSentinel(uri);
                sentinel = s;
            }
            Map<String, String> master = s.sync().master(masterId);
            String named = master.getOrDefault("runid", "");
            String ip = master.get("ip");
            String port = master.get("port");
            String namedAddress = ip == null || port == null ? null : ip + ":" + port;
            Connected c = connected();
            boolean open = c.connection().isOpen();
            if (named.equals(c.runId()) && open) {
                staleSinceNanos = 0;
                if (c.address() == null && namedAddress != null) {
                    // the first connection went through the sentinels: now its address is known too
                    current.compareAndSet(c, new Connected(c.connection(), c.ready(), c.runId(), namedAddress));
                }
                return;
            }
            // right after a switch Sentinel names the new master's address but not yet its run id,
            // which it learns from the master's INFO, 3-4 s later (measured): the address is
            // enough to move, and connect() checks that it reaches a master
            boolean moved = !open || !named.isEmpty()
                    || (namedAddress != null && c.address() != null && !namedAddress.equals(c.address()));
            if (!moved) {
                staleSinceNanos = 0;
                return;
            }
            if (staleSinceNanos == 0) {
                staleSinceNanos = System.nanoTime();
            }
            LOG.info("sentinel names master {} at {}, the store's connection {} {} at {}: reconnecting",
                    named.isEmpty() ? "(run id not yet known)" : named, namedAddress,
                    open ? "reaches" : "was lost to", c.runId(), c.address());
            Connected next = ip != null && port != null ? connect(ip, Integer.parseInt(port)) : connect();
            if (!named.isEmpty() && !next.runId().equals(named)) {
                // Sentinel changed its mind in between; the next check settles it
                LOG.debug("reached {} instead of {}", next.runId(), named);
            }
            if (namedAddress != null && !isMaster(next.connection())) {
                LOG.debug("{} is not a master yet; the next check settles it", namedAddress);
                next.connection().closeAsync();
                return;
            }
            if (current.compareAndSet(c, next)) {
                staleSinceNanos = named.isEmpty() || next.runId().equals(named) ? 0 : staleSinceNanos;
                // its commands in flight fail now and are replayed on the new master by the store
                c.connection().closeAsync();
            } else {
                next.connection().closeAsync();
            }
        } catch (RuntimeException e) {
            LOG.debug("sentinel check failed: {}", e.toString());
        }
    }

    private static boolean isMaster(StatefulRedisConnection<String, String> c) {
        return c.sync().info("replication").contains("role:master");
    }

    /** The connection in use: set in the constructor and only ever replaced, never cleared. */
    private Connected connected() {
        return Objects.requireNonNull(current.get(), "set in the constructor");
    }

    @Override
    public CompletableFuture<StatefulRedisConnection<String, String>> connectionFor(String key) {
        return connected().ready();
    }

    @Override
    public boolean isUp() {
        return connected().connection().isOpen() && staleSinceNanos == 0;
    }

    /** Whether the connection reaches a master Sentinel no longer names (until the next check moves it). */
    public boolean stale() {
        return staleSinceNanos != 0;
    }

    @Override
    public boolean replicated() {
        return true;
    }

    @Override
    public String describe() {
        return "sentinel " + masterId + " via " + uri.getSentinels().size() + " sentinels";
    }

    @Override
    public void close() {
        closed = true;
        checker.shutdownNow();
        try {
            checker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StatefulRedisSentinelConnection<String, String> s = sentinel;
        if (s != null) {
            s.close();
        }
        connected().connection().close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown();
    }
}
