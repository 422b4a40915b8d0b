package dev.ivbot.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ivbot.StoreBusyException;
import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.redis.internal.Backend;
import dev.ivbot.redis.internal.ClusterBackend;
import dev.ivbot.redis.internal.Failures;
import dev.ivbot.redis.internal.SessionFields;
import dev.ivbot.redis.internal.ReplicaAcks;
import dev.ivbot.redis.internal.ReplicationUnconfirmedException;
import dev.ivbot.redis.internal.SaveScript;
import dev.ivbot.redis.internal.SentinelBackend;
import dev.ivbot.redis.internal.StandaloneBackend;
import dev.ivbot.redis.internal.UserSessions;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.StoreHealth;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} on Redis through Lettuce: a single server, a Sentinel-managed master
 * ({@code redis-sentinel://}) or a Cluster.
 *
 * <pre>{@code
 * SessionStore store = RedisSessionStore.builder()
 *         .uri(RedisURI.create("redis-sentinel://s1:26379,s2:26379,s3:26379/0#mymaster"))
 *         .build();
 * DialogEngine engine = DialogEngine.builder().sessionStore(store)...build();
 * }</pre>
 *
 * <p><b>Layout.</b> A session is one hash under {@code ivbot:{<sessionId>}} (the hash tag keeps it
 * in one Cluster slot; an engine's session id is {@code DialogEngine.storeSessionId(user, id)}, so
 * one user's id never reaches another user's session) with one field per {@code SessionState} component plus {@code _w}, a short
 * log of the last write ids. A save is one Lua script (EVALSHA, EVAL on NOSCRIPT) that checks the
 * stored version, writes the fields and renews the TTL in the same round trip; a touch is a
 * {@code PEXPIRE}. The script is idempotent per write: a save replayed after a failover whose first
 * attempt did land answers "saved", not "conflict".
 *
 * <p><b>Failover.</b> A save that finds no master (connection lost, command timeout, Cluster
 * redirect, {@code READONLY}/{@code LOADING}/{@code CLUSTERDOWN} reply) waits in a local buffer
 * and is replayed, oldest first, once a master answers. A save still waiting
 * {@link RedisSessionStoreOptions#failoverBuffer()} after its first failure completes with
 * {@link StoreBusyException} and is not applied. Meanwhile loads of sessions loaded or saved
 * recently are answered from a near cache; a stale one is harmless, since the save after it
 * conflicts and the engine re-applies the turn on fresh state.
 *
 * <p><b>What an acknowledgement means.</b> With {@code replicaAcks} n &gt; 0 (the default for
 * Sentinel and Cluster) a save is acknowledged only after a {@code WAIT n} sent after it on the
 * same master connection reports n replicas, so a master that dies after answering cannot take an
 * acknowledged turn with it. If fewer replicas confirm within
 * {@link RedisSessionStoreOptions#replicaAckTimeout()} (a replica is down) the save is
 * acknowledged anyway and counted in {@link RedisStoreMetrics#unreplicatedCount()}; for the next
 * second no {@code WAIT} is sent on that connection. A save whose outcome is unknown (the master
 * died while it was in flight) is resolved by replaying it: the write-id log tells whether it had
 * landed. Such a save is refused with {@link StoreBusyException} if no master answers within the
 * buffer bound; in that rare case the turn may still surface if a replica had received it.
 *
 * <p>Thread-safe. {@link #close()} closes only what the store created (a connection it opened, a
 * client and client resources it built), never a client or connection the host passed in.
 */
public final class RedisSessionStore implements SessionStore {

    /** Prefix of every session key. */
    public static final String KEY_PREFIX = "ivbot:";

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final long REPLICA_PROBE_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often a Sentinel-backed store asks which master serves (see {@code SentinelBackend}). */
    static final Duration SENTINEL_CHECK_INTERVAL = Duration.ofMillis(500);

    private final Backend backend;
    private final RedisSessionStoreOptions options;
    private final int replicaAcks;
    private final String ttlMillis;
    private final long bufferNanos;
    private final long inDoubtNanos;
    private final Cache<String, SessionState> nearCache;
    /** Sessions this store saved, kept a little less than the TTL that save gave them in Redis. */
    private final Cache<String, SessionState> ownWrites;
    /** Sessions whose use this store recorded in their user's set lately (see {@link #trackUse}). */
    private final Cache<String, Boolean> recentlyIndexed;
    private final Duration indexRefresh;
    private final ConcurrentSkipListMap<Long, PendingSave> buffer = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<PendingLoad> pendingLoads = new ConcurrentLinkedQueue<>();
    private final Map<StatefulRedisConnection<String, String>, ReplicaAcks> acks = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final String writeIdPrefix;
    private final ScheduledExecutorService scheduler;
    private final RedisStoreMetrics metrics = new RedisStoreMetrics();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Since when (nanoTime) the backend has been seen down, or 0 while it is up. */
    private final AtomicLong downSinceNanos = new AtomicLong();

    private RedisSessionStore(Backend backend, RedisSessionStoreOptions options) {
        this.backend = backend;
        this.options = options;
        int acksOption = options.replicaAcks();
        this.replicaAcks = acksOption == RedisSessionStoreOptions.AUTO_REPLICA_ACKS ? (backend.replicated() ? 1 : 0)
                : acksOption;
        this.ttlMillis = Long.toString(options.ttl().toMillis());
        this.bufferNanos = options.failoverBuffer().toNanos();
        this.inDoubtNanos = Math.max(bufferNanos, options.inDoubtLimit().toNanos());
        this.nearCache = Caffeine.newBuilder().maximumSize(options.nearCacheSize())
                .expireAfterWrite(options.nearCacheTtl()).executor(Runnable::run).build();
        Duration ttl = options.ttl();
        // never outlive the copy in Redis: the local clock starts after Redis set the TTL
        Duration ownLife = ttl.minus(Duration.ofMillis(Math.min(1000, ttl.toMillis() / 10)));
        this.ownWrites = Caffeine.newBuilder().maximumSize(options.nearCacheSize())
                .expireAfterWrite(ownLife.compareTo(options.nearCacheTtl()) < 0 ? ownLife : options.nearCacheTtl())
                .executor(Runnable::run).build();
        this.indexRefresh = indexRefresh(ttl);
        this.recentlyIndexed = Caffeine.newBuilder().maximumSize(options.nearCacheSize())
                .expireAfterWrite(indexRefresh).executor(Runnable::run).build();
        this.writeIdPrefix = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".";
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ivbot-redis-replay"));
        long interval = options.retryInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::replayTick, interval, interval, TimeUnit.NANOSECONDS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The key of a session's hash: {@code ivbot:{<sessionId>}}. */
    public static String keyOf(String sessionId) {
        return KEY_PREFIX + "{" + sessionId + "}";
    }

    /** How stale a session's last use in its user's set may be: a tenth of the TTL, at most 10 s. */
    static Duration indexRefresh(Duration ttl) {
        Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(10)) < 0 ? (tenth.isZero() ? Duration.ofMillis(1) : tenth)
                : Duration.ofSeconds(10);
    }

    // ------------------------------------------------------------------ SessionStore

    @Override
    public CompletionStage<Optional<SessionState>> load(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new StoreBusyException("the Redis session store is closed"));
        }
        if (options.readYourWrites()) {
            // this store saw the session last (it saved or loaded it): the turn's compare-and-set
            // save catches the case where another engine has changed it since
            SessionState cached = ownWrites.getIfPresent(sessionId);
            if (cached != null) {
                metrics.nearCacheHits.increment();
                return CompletableFuture.completedFuture(Optional.of(cached));
            }
        }
        return loadFresh(sessionId);
    }

    @Override
    public CompletionStage<Optional<SessionState>> loadFresh(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new StoreBusyException("the Redis session store is closed"));
        }
        PendingLoad p = new PendingLoad(sessionId);
        attemptLoad(p, false);
        return p.result;
    }

    @Override
    public CompletionStage<SaveOutcome> save(SessionState state) {
        Objects.requireNonNull(state, "state");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new StoreBusyException("the Redis session store is closed"));
        }
        long seq = sequence.incrementAndGet();
        Map<String, String> fields = SessionFields.toFields(state);
        String[] args = new String[3 + 2 * fields.size()];
        args[0] = Long.toString(state.version() - 1);
        args[1] = ttlMillis;
        args[2] = writeIdPrefix + Long.toString(seq, 36);
        int i = 3;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            args[i++] = e.getKey();
            args[i++] = e.getValue();
        }
        PendingSave p = new PendingSave(seq, state, keyOf(state.sessionId()), args);
        if (!buffer.isEmpty()) {
            enqueue(p); // keep order behind the saves already waiting for a master
        } else {
            attemptSave(p, false);
        }
        return p.result;
    }

    @Override
    public CompletionStage<Boolean> touch(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        String key = keyOf(sessionId);
        return backend.connectionFor(key)
                .thenCompose(c -> c.async().pexpire(key, options.ttl().toMillis()).toCompletableFuture())
                .handle((renewed, e) -> {
                    if (e == null) {
                        String userSet = UserSessions.keyOf(sessionId);
                        if (renewed && userSet != null) {
                            trackUse(sessionId, userSet, false); // a touch is a use, as in the in-memory store
                        }
                        return renewed;
                    }
                    if (Failures.isTransient(e) && nearCache.getIfPresent(sessionId) != null) {
                        return true; // the next save renews the TTL; a failover is far shorter than it
                    }
                    throw failure("touch", sessionId, e);
                });
    }

    @Override
    public CompletionStage<Boolean> delete(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        String key = keyOf(sessionId);
        nearCache.invalidate(sessionId);
        ownWrites.invalidate(sessionId);
        return backend.connectionFor(key).thenCompose(c -> c.async().del(key).toCompletableFuture())
                .handle((n, e) -> {
                    if (e == null) {
                        nearCache.invalidate(sessionId);
                        forgetUse(sessionId);
                        return n > 0;
                    }
                    throw failure("delete", sessionId, e);
                });
    }

    @Override
    public Duration ttl() {
        return options.ttl();
    }

    /**
     * Master reachable (nothing buffered); accepting while the buffer still absorbs the outage (its
     * oldest save is younger than the failover buffer, and the master has been lost for less than
     * the failover buffer) and the master is the elected one; buffer depth, in-doubt saves, age of
     * the oldest buffered save.
     */
    @Override
    public StoreHealth health() {
        int depth = 0;
        int inDoubt = 0;
        for (PendingSave p : buffer.values()) {
            depth++;
            if (p.inDoubt) {
                inDoubt++;
            }
        }
        Duration oldest = Duration.ZERO;
        Map.Entry<Long, PendingSave> first = buffer.firstEntry();
        if (first != null) {
            oldest = Duration.ofNanos(Math.max(0, System.nanoTime() - first.getValue().firstFailureNanos));
        }
        boolean up = backend.isUp();
        long downFor = downFor(up);
        boolean reachable = up && depth == 0;
        boolean stale = backend instanceof SentinelBackend sentinel && sentinel.stale();
        // a master lost for less than the buffer is a failover the buffer absorbs, whether or not a
        // save has arrived to wait in it yet: a load balancer must not drop every node at once
        boolean accepting = !stale && (up || depth > 0 || downFor < bufferNanos)
                && oldest.toNanos() < Math.max(bufferNanos, 1);
        return new StoreHealth(reachable, accepting, depth, inDoubt, oldest, "redis " + backend.describe()
                + (stale ? ", connected to a master Sentinel no longer names" : up ? "" : ", no master")
                + ", " + depth + " saves buffered (" + inDoubt + " in doubt), replica acks " + replicaAcks);
    }

    /** How long the backend has been seen down (0 while up); called by health and each replay tick. */
    private long downFor(boolean up) {
        if (up) {
            downSinceNanos.set(0);
            return 0;
        }
        long now = System.nanoTime();
        return now - downSinceNanos.updateAndGet(since -> since == 0 ? now : since);
    }

    /** Counters of buffered, replayed and refused saves and more. */
    public RedisStoreMetrics metrics() {
        return metrics;
    }

    /** The settings in force. */
    public RedisSessionStoreOptions options() {
        return options;
    }

    /** Replicas each save waits for (the resolved value of {@link RedisSessionStoreOptions#replicaAcks()}). */
    public int replicaAcks() {
        return replicaAcks;
    }

    /** Stops the replay thread, refuses what is still buffered, closes what the store created. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        for (PendingSave p : new ArrayList<>(buffer.values())) {
            if (buffer.remove(p.seq, p)) {
                metrics.refused.increment();
                p.result.completeExceptionally(new StoreBusyException("the Redis session store was closed while "
                        + "the save of session " + p.state.sessionId() + " waited for a master"));
            }
        }
        PendingLoad l;
        while ((l = pendingLoads.poll()) != null) {
            l.result.completeExceptionally(new StoreBusyException("the Redis session store is closed"));
        }
        backend.close();
    }

    @Override
    public String toString() {
        return "RedisSessionStore[" + backend.describe() + "]";
    }

    // ------------------------------------------------------------------ saves

    private static final class PendingSave {
        final long seq;
        final SessionState state;
        final String key;
        final String[] args;
        final CompletableFuture<SaveOutcome> result = new CompletableFuture<>();
        volatile boolean inFlight;
        /** The script may have run on a master that then failed: the outcome is unknown until a replay. */
        volatile boolean inDoubt;
        long firstFailureNanos;
        long deadlineNanos;

        PendingSave(long seq, SessionState state, String key, String[] args) {
            this.seq = seq;
            this.state = state;
            this.key = key;
            this.args = args;
        }
    }

    private void attemptSave(PendingSave p, boolean replay) {
        p.inFlight = true;
        CompletableFuture<SaveOutcome> attempt;
        try {
            attempt = backend.connectionFor(p.key).thenCompose(c -> SaveScript.run(c, p.key, p.args)
                    .thenCompose(r -> {
                        if (r != SaveScript.CONFLICT && !p.inDoubt) {
                            p.inDoubt = true; // applied on this master; until its replicas confirm, in doubt
                            if (replay) {
                                // refusing it now would leave a turn applied that the user was told failed
                                p.deadlineNanos = Math.max(p.deadlineNanos, p.firstFailureNanos + inDoubtNanos);
                            }
                        }
                        return afterScript(c, r);
                    }));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((outcome, e) -> {
            if (e == null) {
                if (replay && buffer.remove(p.seq, p)) {
                    metrics.replayed.increment();
                }
                complete(p, outcome);
            } else if (Failures.isTransient(e) && !closed.get()) {
                if (!Failures.isNotApplied(e) && !p.inDoubt) {
                    p.inDoubt = true;
                    p.deadlineNanos = Math.max(p.deadlineNanos, System.nanoTime() + inDoubtNanos);
                }
                if (!replay) {
                    LOG.debug("save of {} buffered: {}", p.state.sessionId(), e.toString());
                    enqueue(p);
                }
                p.inFlight = false; // the replay thread retries it or refuses it at its deadline
            } else {
                buffer.remove(p.seq, p);
                p.result.completeExceptionally(failure("save", p.state.sessionId(), e));
            }
        });
    }

    private CompletableFuture<SaveOutcome> afterScript(StatefulRedisConnection<String, String> c, Long reply) {
        if (reply == SaveScript.CONFLICT) {
            return CompletableFuture.completedFuture(SaveOutcome.CONFLICT);
        }
        if (replicaAcks <= 0) {
            return CompletableFuture.completedFuture(SaveOutcome.SAVED);
        }
        ReplicaAcks group = acks.computeIfAbsent(c, conn -> new ReplicaAcks(conn, replicaAcks,
                options.replicaAckTimeout().toMillis(), REPLICA_PROBE_NANOS));
        return group.await().exceptionallyCompose(e -> {
            // the script has run: a WAIT that fails leaves the save in doubt, never a hard error the
            // user would read as "not applied" (a master demoted between the two, as a thawed Cluster
            // master is, answers "ERR WAIT cannot be used with replica instances")
            return CompletableFuture.failedFuture(Failures.isTransient(e) ? e
                    : new ReplicationUnconfirmedException(0, replicaAcks));
        }).thenCompose(n -> {
            if (n < replicaAcks) {
                // applied on this master only: a failover now would take it away, so it is not
                // acknowledged; it waits in the buffer, in doubt, and is confirmed by a replay
                metrics.unreplicated.increment();
                return CompletableFuture.failedFuture(new ReplicationUnconfirmedException(n < 0 ? 0 : n, replicaAcks));
            }
            return CompletableFuture.completedFuture(SaveOutcome.SAVED);
        });
    }

    private void complete(PendingSave p, SaveOutcome outcome) {
        String id = p.state.sessionId();
        if (outcome == SaveOutcome.SAVED) {
            metrics.saves.increment();
            // a new session may take the user past the cap: checked at once
            trackUse(id, UserSessions.keyOf(id, p.state.userId()), p.state.version() == 1);
            nearCache.asMap().merge(id, p.state, (old, now) -> now.version() >= old.version() ? now : old);
            if (options.readYourWrites()) {
                ownWrites.asMap().merge(id, p.state, (old, now) -> now.version() >= old.version() ? now : old);
            }
        } else {
            metrics.conflicts.increment();
            nearCache.invalidate(id);
            ownWrites.invalidate(id);
        }
        p.result.complete(outcome);
    }

    // ------------------------------------------------------------------ per-user cap

    /**
     * Marks the session used in its user's set and deletes what the cap pops. After the save, not
     * in its script: in a Cluster the set and the session live in different slots. So the cap is
     * enforced right after each save that creates a session, and a save whose set update failed (a
     * failover) is counted at the session's next save or touch; the turn's acknowledgement never
     * waits for it. A session's later uses are recorded at most once per {@link #indexRefresh}
     * per store (one more script on every turn halved the rules-redis throughput): the order in
     * which a user's sessions are evicted is exact to that interval.
     */
    private void trackUse(String sessionId, String userSet, boolean created) {
        if (!created && recentlyIndexed.getIfPresent(sessionId) != null) {
            return;
        }
        recentlyIndexed.put(sessionId, Boolean.TRUE);
        metrics.indexUpdates.increment();
        try {
            backend.connectionFor(userSet)
                    .thenCompose(c -> UserSessions.use(c, userSet, sessionId,
                            options.ttl().toMillis(), indexRefresh.toMillis(), options.maximumSessionsPerUser()))
                    .whenComplete((evicted, e) -> {
                        if (e != null) {
                            LOG.debug("per-user index of {} not updated: {}", sessionId, e.toString());
                            return;
                        }
                        for (String victim : evicted) {
                            evict(victim);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.debug("per-user index of {} not updated: {}", sessionId, e.toString());
        }
    }

    private void evict(String sessionId) {
        recentlyIndexed.invalidate(sessionId);
        nearCache.invalidate(sessionId);
        ownWrites.invalidate(sessionId);
        metrics.evictedPerUser.increment();
        String key = keyOf(sessionId);
        backend.connectionFor(key).thenCompose(c -> c.async().del(key).toCompletableFuture())
                .whenComplete((n, e) -> {
                    if (e != null) {
                        // its TTL ends it; the user is within the cap meanwhile, the set no longer has it
                        LOG.debug("evicted session {} not deleted: {}", sessionId, e.toString());
                    }
                });
    }

    private void forgetUse(String sessionId) {
        recentlyIndexed.invalidate(sessionId);
        String userSet = UserSessions.keyOf(sessionId);
        if (userSet == null) {
            return; // an id not made by the engine: its set entry ages out with the TTL
        }
        backend.connectionFor(userSet).thenCompose(c -> UserSessions.forget(c, userSet, sessionId))
                .whenComplete((n, e) -> {
                    if (e != null) {
                        LOG.debug("per-user index of {} not updated: {}", sessionId, e.toString());
                    }
                });
    }

    private void enqueue(PendingSave p) {
        long now = System.nanoTime();
        p.firstFailureNanos = now;
        p.deadlineNanos = now + (p.inDoubt ? inDoubtNanos : bufferNanos);
        metrics.buffered.increment();
        if (bufferNanos == 0 && !p.inDoubt) {
            refuse(p);
            return;
        }
        buffer.put(p.seq, p);
    }

    private void refuse(PendingSave p) {
        metrics.refused.increment();
        p.result.completeExceptionally(new StoreBusyException("no Redis master accepted the save of session "
                + p.state.sessionId() + " within " + options.failoverBuffer().toMillis() + " ms"));
    }

    // ------------------------------------------------------------------ loads

    private static final class PendingLoad {
        final String sessionId;
        final CompletableFuture<Optional<SessionState>> result = new CompletableFuture<>();
        long deadlineNanos;
        volatile boolean inFlight;

        PendingLoad(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    private void attemptLoad(PendingLoad p, boolean retry) {
        String key = keyOf(p.sessionId);
        p.inFlight = true;
        CompletableFuture<Map<String, String>> attempt;
        try {
            attempt = backend.connectionFor(key).thenCompose(c -> c.async().hgetall(key).toCompletableFuture());
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((fields, e) -> {
            if (e == null) {
                if (retry) {
                    pendingLoads.remove(p);
                }
                if (fields == null || fields.isEmpty()) {
                    nearCache.invalidate(p.sessionId);
                    ownWrites.invalidate(p.sessionId);
                    p.result.complete(Optional.empty());
                    return;
                }
                SessionState state;
                try {
                    state = SessionFields.fromFields(fields);
                } catch (IllegalArgumentException bad) {
                    p.result.completeExceptionally(new RedisStoreException("session " + p.sessionId
                            + " in Redis is malformed: " + bad.getMessage(), bad));
                    return;
                }
                nearCache.asMap().merge(p.sessionId, state, (old, now) -> now.version() >= old.version() ? now : old);
                p.result.complete(Optional.of(state));
            } else if (Failures.isTransient(e) && !closed.get()) {
                SessionState cached = nearCache.getIfPresent(p.sessionId);
                if (cached != null) {
                    if (retry) {
                        pendingLoads.remove(p);
                    }
                    metrics.nearCacheReads.increment();
                    p.result.complete(Optional.of(cached));
                    return;
                }
                if (!retry) {
                    p.deadlineNanos = System.nanoTime() + bufferNanos;
                    if (bufferNanos == 0) {
                        p.result.completeExceptionally(busyLoad(p));
                        return;
                    }
                    pendingLoads.add(p);
                }
                p.inFlight = false;
            } else {
                if (retry) {
                    pendingLoads.remove(p);
                }
                p.result.completeExceptionally(failure("load", p.sessionId, e));
            }
        });
    }

    private StoreBusyException busyLoad(PendingLoad p) {
        return new StoreBusyException("no Redis master answered the load of session " + p.sessionId + " within "
                + options.failoverBuffer().toMillis() + " ms");
    }

    // ------------------------------------------------------------------ replay

    private void replayTick() {
        try {
            downFor(backend.isUp());
            if (buffer.isEmpty() && pendingLoads.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            for (PendingSave p : buffer.values()) {
                if (!p.inFlight && now - p.deadlineNanos >= 0 && buffer.remove(p.seq, p)) {
                    refuse(p);
                }
            }
            for (PendingLoad p : pendingLoads) {
                if (!p.inFlight && now - p.deadlineNanos >= 0 && pendingLoads.remove(p)) {
                    p.result.completeExceptionally(busyLoad(p));
                }
            }
            if (!backend.isUp()) {
                return;
            }
            backend.beforeReplay();
            for (PendingSave p : buffer.values()) {
                if (!p.inFlight) {
                    attemptSave(p, true);
                }
            }
            for (PendingLoad p : pendingLoads) {
                if (!p.inFlight) {
                    attemptLoad(p, true);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("replay of buffered session saves failed", e);
        }
    }

    private RuntimeException failure(String what, String sessionId, Throwable error) {
        Throwable e = Failures.unwrap(error);
        if (e instanceof dev.ivbot.IvbotException ivbot) {
            return ivbot;
        }
        if (Failures.isTransient(e)) {
            return new StoreBusyException("no Redis master answered the " + what + " of session " + sessionId, e);
        }
        return new RedisStoreException("Redis failed the " + what + " of session " + sessionId + ": " + e, e);
    }

    // ------------------------------------------------------------------ builder

    /**
     * Where the store connects and how. Set exactly one source: {@link #uri}, {@link #cluster},
     * {@link #client}, {@link #clusterClient}, {@link #connection} or {@link #clusterConnection}.
     * Not thread-safe; {@link #build()} leaves the builder reusable (each build opens its own
     * connection).
     */
    public static final class Builder {
        private @Nullable RedisURI uri;
        private @Nullable List<RedisURI> clusterSeeds;
        private @Nullable RedisClient client;
        private @Nullable RedisURI clientUri;
        private @Nullable RedisClusterClient clusterClient;
        private @Nullable StatefulRedisConnection<String, String> connection;
        private @Nullable StatefulRedisClusterConnection<String, String> clusterConnection;
        private boolean connectionReplicated;
        private RedisSessionStoreOptions options = RedisSessionStoreOptions.create();

        private Builder() {}

        /**
         * A single server ({@code redis://}, {@code rediss://}) or a Sentinel-managed master
         * ({@code redis-sentinel://host:26379,host2:26379/0#mymaster}). The store creates and owns
         * the client.
         */
        public Builder uri(RedisURI uri) {
            clear();
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** {@link #uri(RedisURI)} from a URI string. */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            return uri(RedisURI.create(uri));
        }

        /** A Redis Cluster from one or more seed nodes. The store creates and owns the client. */
        public Builder cluster(Iterable<RedisURI> seeds) {
            Objects.requireNonNull(seeds, "seeds");
            List<RedisURI> list = new ArrayList<>();
            seeds.forEach(s -> list.add(Objects.requireNonNull(s, "seeds element")));
            if (list.isEmpty()) {
                throw new IllegalArgumentException("seeds must name at least one node");
            }
            clear();
            this.clusterSeeds = list;
            return this;
        }

        /** The host's client, connected to its default URI; the store closes only its own connection. */
        public Builder client(RedisClient client) {
            clear();
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The host's client, connected to {@code uri}; the store closes only its own connection. */
        public Builder client(RedisClient client, RedisURI uri) {
            clear();
            this.client = Objects.requireNonNull(client, "client");
            this.clientUri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The host's cluster client; the store closes only its own connection. */
        public Builder clusterClient(RedisClusterClient clusterClient) {
            clear();
            this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient");
            return this;
        }

        /**
         * The host's connection (string codec); the store never closes it. {@code replicated} says
         * whether the master has replicas (then the default replica acks is 1).
         */
        public Builder connection(StatefulRedisConnection<String, String> connection, boolean replicated) {
            clear();
            this.connection = Objects.requireNonNull(connection, "connection");
            this.connectionReplicated = replicated;
            return this;
        }

        /**
         * The host's cluster connection (string codec); the store never closes it. Without the
         * client the store cannot refresh the topology itself; enable Lettuce's adaptive refresh.
         */
        public Builder clusterConnection(StatefulRedisClusterConnection<String, String> clusterConnection) {
            clear();
            this.clusterConnection = Objects.requireNonNull(clusterConnection, "clusterConnection");
            return this;
        }

        /** Settings; default {@link RedisSessionStoreOptions#create()}. */
        public Builder options(RedisSessionStoreOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        private void clear() {
            uri = null;
            clusterSeeds = null;
            client = null;
            clientUri = null;
            clusterClient = null;
            connection = null;
            clusterConnection = null;
        }

        /**
         * Connects and returns the store.
         *
         * @throws IllegalStateException if no source was set
         * @throws io.lettuce.core.RedisConnectionException if the first connection fails
         */
        public RedisSessionStore build() {
            return new RedisSessionStore(backend(), options);
        }

        private Backend backend() {
            if (uri != null) {
                ClientResources resources = resources();
                RedisClient created = RedisClient.create(resources);
                try {
                    boolean sentinel = !uri.getSentinels().isEmpty();
                    // through Sentinel the backend reconnects itself, to the master Sentinel names then:
                    // Lettuce's own reconnect goes back to the old address, where a restarted, empty
                    // node takes writes as a master until Sentinel demotes it
                    created.setOptions(clientOptions(!sentinel));
                    if (sentinel) {
                        return new SentinelBackend(created, resources, uri, SENTINEL_CHECK_INTERVAL);
                    }
                    StatefulRedisConnection<String, String> c = created.connect(StringCodec.UTF8, uri);
                    return new StandaloneBackend(c, true, created, resources, false, describe(uri));
                } catch (RuntimeException e) {
                    created.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                    resources.shutdown();
                    throw e;
                }
            }
            if (clusterSeeds != null) {
                ClientResources resources = resources();
                // Lettuce bounds a topology refresh's CLUSTER NODES by the seeds' own timeout (60 s by
                // default): a frozen node would hold every refresh, and with it the move to its heir
                List<RedisURI> seeds = clusterSeeds.stream()
                        .map(s -> RedisURI.builder(s).withTimeout(options.commandTimeout()).build()).toList();
                RedisClusterClient created = RedisClusterClient.create(resources, seeds);
                try {
                    created.setOptions(clusterOptions());
                    return new ClusterBackend(created.connect(StringCodec.UTF8), created, true, true, resources);
                } catch (RuntimeException e) {
                    created.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                    resources.shutdown();
                    throw e;
                }
            }
            if (client != null) {
                StatefulRedisConnection<String, String> c = clientUri == null ? client.connect(StringCodec.UTF8)
                        : client.connect(StringCodec.UTF8, clientUri);
                boolean sentinel = clientUri != null && !clientUri.getSentinels().isEmpty();
                return new StandaloneBackend(c, true, null, null, sentinel,
                        clientUri == null ? "host client" : describe(clientUri));
            }
            if (clusterClient != null) {
                return new ClusterBackend(clusterClient.connect(StringCodec.UTF8), clusterClient, true, false, null);
            }
            if (connection != null) {
                return new StandaloneBackend(connection, false, null, null, connectionReplicated, "host connection");
            }
            if (clusterConnection != null) {
                return new ClusterBackend(clusterConnection, null, false, false, null);
            }
            throw new IllegalStateException("set one of uri, cluster, client, clusterClient, connection or "
                    + "clusterConnection before build()");
        }

        private ClientResources resources() {
            return ClientResources.builder().reconnectDelay(Delay.constant(options.reconnectDelay())).build();
        }

        private ClientOptions clientOptions(boolean autoReconnect) {
            return ClientOptions.builder().autoReconnect(autoReconnect).socketOptions(socketOptions(options.commandTimeout()))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout())).build();
        }

        private ClusterClientOptions clusterOptions() {
            return ClusterClientOptions.builder().autoReconnect(true).socketOptions(socketOptions(options.commandTimeout()))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                            .refreshTriggersReconnectAttempts(2)
                            .enablePeriodicRefresh(Duration.ofSeconds(10))
                            .build())
                    .build();
        }

        /**
         * TCP keepalive probes after 2 s idle, every second, 3 of them: a peer behind a partition
         * (no reset) is noticed in about 5 s instead of the kernel's two hours. A frozen process
         * still has a live kernel socket; the Sentinel check and the command timeout cover that. The
         * connect timeout is the command timeout: a frozen node's kernel still completes the TCP
         * handshake, so a connection (a topology refresh opens one per node) hangs in Redis's handshake
         * for the whole connect timeout (Lettuce's default 10 s).
         */
        private static SocketOptions socketOptions(Duration connectTimeout) {
            return SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
                    .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).count(3).build()).build();
        }

        private static String describe(RedisURI uri) {
            if (!uri.getSentinels().isEmpty()) {
                return "sentinel " + uri.getSentinelMasterId() + " via " + uri.getSentinels().size() + " sentinels";
            }
            return "server " + uri.getHost() + ":" + uri.getPort();
        }
    }
}
