package dev.ivbot.redis.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit of replica acknowledgements on one master connection: saves whose script has
 * answered wait for one {@code WAIT n timeout} sent after them on the same connection, which
 * covers every write that connection sent before it. At most one {@code WAIT} is in flight per
 * connection, so a busy connection pays one {@code WAIT} for many saves.
 *
 * <p>After a {@code WAIT} saw fewer replicas than required (a replica is down: after a failover
 * the new master has none until the old one returns), the next {@code WAIT}s are skipped for a
 * probe interval and saves complete at once; callers count them as unreplicated.
 *
 * <p>Thread-safe.
 */
public final class ReplicaAcks {

    /** What a waiting save learns: how many replicas confirmed, or -1 when the WAIT was skipped. */
    public static final long SKIPPED = -1;

    private final StatefulRedisConnection<String, String> connection;
    private final int replicas;
    private final long timeoutMillis;
    private final long probeNanos;
    private List<CompletableFuture<Long>> waiting = new ArrayList<>();
    private boolean inFlight;
    private volatile long skipUntilNanos = System.nanoTime();

    public ReplicaAcks(StatefulRedisConnection<String, String> connection, int replicas, long timeoutMillis,
            long probeNanos) {
        this.connection = connection;
        this.replicas = replicas;
        this.timeoutMillis = timeoutMillis;
        this.probeNanos = probeNanos;
    }

    /** Completes with the replicas that confirmed every write sent so far on the connection. */
    public CompletableFuture<Long> await() {
        if (System.nanoTime() - skipUntilNanos < 0) {
            return CompletableFuture.completedFuture(SKIPPED);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        boolean fire;
        synchronized (this) {
            waiting.add(f);
            fire = !inFlight;
            if (fire) {
                inFlight = true;
            }
        }
        if (fire) {
            fire();
        }
        return f;
    }

    private void fire() {
        List<CompletableFuture<Long>> batch;
        synchronized (this) {
            batch = waiting;
            waiting = new ArrayList<>();
        }
        CompletableFuture<Long> wait;
        try {
            wait = connection.async().waitForReplication(replicas, timeoutMillis).toCompletableFuture();
        } catch (RuntimeException e) {
            wait = CompletableFuture.failedFuture(e);
        }
        wait.whenComplete((n, e) -> {
            if (e == null && n < replicas) {
                skipUntilNanos = System.nanoTime() + probeNanos;
            }
            for (CompletableFuture<Long> f : batch) {
                if (e != null) {
                    f.completeExceptionally(e);
                } else {
                    f.complete(n);
                }
            }
            boolean again;
            synchronized (this) {
                again = !waiting.isEmpty();
                if (!again) {
                    inFlight = false;
                }
            }
            if (again) {
                fire();
            }
        });
    }
}
