package dev.ivbot.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionState.TurnRecord;
import dev.ivbot.spi.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SessionStore}, as tests that every store runs: extend this class, say how
 * to create a store and how to let time pass, and JUnit runs them all.
 *
 * <pre>{@code
 * class MyStoreConformanceTest extends SessionStoreConformanceKit {
 *     protected SessionStore createStore(Duration ttl) { return MyStore.builder().ttl(ttl).build(); }
 *     protected void advancePast(Duration d) { clock.advance(d); }
 * }
 * }</pre>
 *
 * Each test uses fresh session ids, so a store backed by a shared server needs no cleanup between
 * tests. Stores created through {@link #store(Duration)} are closed after each test.
 */
public abstract class SessionStoreConformanceKit {

    private final List<SessionStore> created = new ArrayList<>();

    /** A new store with the given TTL. Called once or more per test. */
    protected abstract SessionStore createStore(Duration ttl);

    /**
     * Lets at least {@code duration} pass for the stores of this test: advance an injected clock,
     * or (for a store on a real server) wait.
     */
    protected abstract void advancePast(Duration duration) throws Exception;

    /**
     * The TTL of the expiry tests. Short for stores that must wait in real time (keep it well above
     * the store's round trip and clock granularity); the in-memory store can keep the default.
     */
    protected Duration expiryTtl() {
        return Duration.ofSeconds(2);
    }

    /** Threads of the concurrency test. */
    protected int concurrentThreads() {
        return 8;
    }

    /** Turns each thread of the concurrency test applies. */
    protected int turnsPerThread() {
        return 40;
    }

    protected final SessionStore store(Duration ttl) {
        SessionStore store = createStore(ttl);
        created.add(store);
        return store;
    }

    protected final SessionStore store() {
        return store(SessionStore.DEFAULT_TTL);
    }

    @AfterEach
    void closeStores() {
        created.forEach(SessionStore::close);
        created.clear();
    }

    protected static String newSessionId() {
        return "kit-" + UUID.randomUUID();
    }

    protected static SessionState firstTurn(String sessionId, String text) {
        return SessionState.empty(sessionId, "user-1", 1_000L)
                .next("leave_policy", "zh", Map.of("leave_type", "annual"), new TurnRecord(1, "leave_policy", text), 2_000L);
    }

    protected static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void loadOfAnAbsentSessionIsEmpty() throws Exception {
        assertThat(await(store().load(newSessionId()))).isEmpty();
    }

    @Test
    void aSavedSessionLoadsBackEqual() throws Exception {
        SessionStore store = store();
        SessionState v1 = firstTurn(newSessionId(), "年假有几天");
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.SAVED);
        assertThat(await(store.load(v1.sessionId()))).contains(v1);

        SessionState v2 = v1.next(null, "en", Map.of(), new TurnRecord(2, null, "and sick leave?"), 3_000L);
        assertThat(await(store.save(v2))).isEqualTo(SaveOutcome.SAVED);
        assertThat(await(store.load(v1.sessionId()))).contains(v2);
    }

    @Test
    void aSaveOnAStaleVersionConflictsAndWritesNothing() throws Exception {
        SessionStore store = store();
        SessionState v1 = firstTurn(newSessionId(), "q1");
        SessionState v2 = v1.next("salary", "zh", Map.of(), new TurnRecord(2, "salary", "q2"), 3_000L);
        SessionState otherV2 = v1.next("interview_process", "zh", Map.of(), new TurnRecord(2, null, "other"), 3_000L);
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.SAVED);
        assertThat(await(store.save(v2))).isEqualTo(SaveOutcome.SAVED);

        assertThat(await(store.save(otherV2))).isEqualTo(SaveOutcome.CONFLICT);
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.CONFLICT);
        SessionState skipping = v2.next("x", "zh", Map.of(), new TurnRecord(3, null, "q3"), 4_000L)
                .next("y", "zh", Map.of(), new TurnRecord(4, null, "q4"), 5_000L);
        assertThat(await(store.save(skipping))).isEqualTo(SaveOutcome.CONFLICT);
        assertThat(await(store.load(v1.sessionId()))).contains(v2);
    }

    @Test
    void creatingASessionThatExistsConflicts() throws Exception {
        SessionStore store = store();
        String id = newSessionId();
        SessionState mine = firstTurn(id, "mine");
        SessionState theirs = firstTurn(id, "theirs");
        assertThat(await(store.save(mine))).isEqualTo(SaveOutcome.SAVED);
        assertThat(await(store.save(theirs))).isEqualTo(SaveOutcome.CONFLICT);
        assertThat(await(store.load(id))).contains(mine);
    }

    @Test
    void touchRenewsAnExistingSessionAndIsFalseForAnAbsentOne() throws Exception {
        SessionStore store = store();
        SessionState v1 = firstTurn(newSessionId(), "q");
        assertThat(await(store.touch(v1.sessionId()))).isFalse();
        assertThat(await(store.load(v1.sessionId()))).isEmpty();
        await(store.save(v1));
        assertThat(await(store.touch(v1.sessionId()))).isTrue();
        assertThat(await(store.load(v1.sessionId()))).contains(v1);
    }

    @Test
    void deleteRemovesASessionAndIsFalseWhenAbsent() throws Exception {
        SessionStore store = store();
        SessionState v1 = firstTurn(newSessionId(), "q");
        await(store.save(v1));
        assertThat(await(store.delete(v1.sessionId()))).isTrue();
        assertThat(await(store.load(v1.sessionId()))).isEmpty();
        assertThat(await(store.delete(v1.sessionId()))).isFalse();
        // a deleted session starts again from version 1
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.SAVED);
    }

    @Test
    void ttlReportsTheConfiguredValue() {
        assertThat(store(Duration.ofSeconds(123)).ttl()).isEqualTo(Duration.ofSeconds(123));
    }

    @Test
    void aSessionExpiresAfterItsTtlWithoutSaveOrTouch() throws Exception {
        Duration ttl = expiryTtl();
        SessionStore store = store(ttl);
        SessionState v1 = firstTurn(newSessionId(), "q");
        await(store.save(v1));
        advancePast(ttl.plusMillis(ttl.toMillis() / 10));
        assertThat(await(store.load(v1.sessionId()))).isEmpty();
        assertThat(await(store.touch(v1.sessionId()))).isFalse();
        // an expired session counts as absent: version 1 may be saved again
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.SAVED);
    }

    @Test
    void touchAndSaveRenewTheTtl() throws Exception {
        Duration ttl = expiryTtl();
        Duration step = ttl.multipliedBy(6).dividedBy(10);
        SessionStore store = store(ttl);
        SessionState v1 = firstTurn(newSessionId(), "q");
        await(store.save(v1));

        advancePast(step);
        assertThat(await(store.touch(v1.sessionId()))).isTrue();
        advancePast(step); // 1.2 TTL after the save, 0.6 after the touch
        assertThat(await(store.load(v1.sessionId()))).contains(v1);

        SessionState v2 = v1.next(null, "zh", Map.of(), new TurnRecord(2, null, "q2"), 3_000L);
        assertThat(await(store.save(v2))).isEqualTo(SaveOutcome.SAVED);
        advancePast(step); // 1.2 TTL after the touch, 0.6 after the save
        assertThat(await(store.load(v1.sessionId()))).contains(v2);

        advancePast(step); // 1.2 TTL after the last save
        assertThat(await(store.load(v1.sessionId()))).isEmpty();
    }

    @Test
    void concurrentSavesWithRetryAllLand() throws Exception {
        SessionStore store = store();
        String id = newSessionId();
        int threads = concurrentThreads();
        int perThread = turnsPerThread();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                conflicts.add(pool.submit(() -> {
                    go.await();
                    int conflicted = 0;
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            Optional<SessionState> current = await(store.load(id));
                            SessionState base = current.orElseGet(() -> SessionState.empty(id, "user-1", 0));
                            SessionState next = base.next(null, "zh", Map.of("t", Integer.toString(thread)),
                                    new TurnRecord(base.turns() + 1, null, "thread " + thread + " turn " + i), 0);
                            if (await(store.save(next)) == SaveOutcome.SAVED) {
                                break;
                            }
                            conflicted++;
                        }
                    }
                    return conflicted;
                }));
            }
            go.countDown();
            for (Future<Integer> f : conflicts) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        SessionState last = await(store.load(id)).orElseThrow();
        long total = (long) threads * perThread;
        assertThat(last.turns()).isEqualTo(total);
        assertThat(last.version()).isEqualTo(total);
        assertThat(last.recentTurns()).hasSize(Math.min((int) total, SessionState.MAX_RECENT_TURNS));
        assertThat(last.recentTurns().get(last.recentTurns().size() - 1).number()).isEqualTo(total);
    }

    @Test
    void fieldsWithUnicodeTabsAndNewlinesRoundTrip() throws Exception {
        SessionStore store = store();
        String id = newSessionId();
        String nasty = "年假\t有几天？\n第二行\r\\n 不是换行 😀 \u0000 ;=";
        SessionState v1 = SessionState.empty(id, "用户-ü", 1L)
                .next(null, "en", Map.of("leave_type", "sick", "track", "campus"), new TurnRecord(1, null, nasty), 2L);
        SessionState v2 = v1.next("leave_policy", "zh", Map.of(), new TurnRecord(2, "leave_policy", "\t\n"), 3L);
        assertThat(await(store.save(v1))).isEqualTo(SaveOutcome.SAVED);
        assertThat(await(store.load(id))).contains(v1);
        assertThat(await(store.save(v2))).isEqualTo(SaveOutcome.SAVED);
        SessionState loaded = await(store.load(id)).orElseThrow();
        assertThat(loaded).isEqualTo(v2);
        assertThat(loaded.recentTurns().get(0).text()).isEqualTo(nasty);
    }

    @Test
    void healthIsReportedForAHealthyStore() {
        assertThat(store().health().reachable()).isTrue();
        assertThat(store().health().bufferedSaves()).isZero();
    }

    @Test
    void closeIsIdempotent() {
        SessionStore store = createStore(SessionStore.DEFAULT_TTL);
        store.close();
        store.close();
    }
}
