package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import dev.ivbot.StoreBusyException;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionState.TurnRecord;
import dev.ivbot.spi.StoreHealth;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis store on one real server: layout, TTL, concurrency across engines, failover buffer. */
class RedisSessionStoreStandaloneIntegrationTest {

    private static RedisProcesses redis;
    private static RedisProcesses.Node server;
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;

    @BeforeAll
    static void startServer() {
        redis = new RedisProcesses();
        server = redis.server();
        admin = RedisClient.create(server.uri());
        adminConnection = admin.connect();
    }

    @AfterAll
    static void stopServer() {
        adminConnection.close();
        admin.shutdown();
        redis.close();
    }

    private static String sid() {
        return "it-" + UUID.randomUUID();
    }

    private static RedisSessionStore store(RedisSessionStoreOptions options) {
        return RedisSessionStore.builder().uri(server.uri()).options(options).build();
    }

    private static SessionState first(String id) {
        return SessionState.empty(id, "u1", 1).next("salary", "zh", Map.of(), new TurnRecord(1, "salary", "工资多少"), 2);
    }

    @Test
    void aSessionIsOneHashUnderAHashTaggedKeyWithTheTtlSetByTheSave() {
        try (RedisSessionStore store = store(RedisSessionStoreOptions.create())) {
            String id = sid();
            assertThat(store.save(first(id)).toCompletableFuture().join()).isEqualTo(SaveOutcome.SAVED);
            String key = "ivbot:{" + id + "}";
            assertThat(RedisSessionStore.keyOf(id)).isEqualTo(key);
            assertThat(adminConnection.sync().type(key)).isEqualTo("hash");
            assertThat(adminConnection.sync().hget(key, "ver")).isEqualTo("1");
            long pttl = adminConnection.sync().pttl(key);
            assertThat(pttl).isPositive().isLessThanOrEqualTo(600_000);
        }
    }

    @Test
    void aUserBeyondTheSessionCapLosesTheirLeastRecentlyUsedSessionOnlyAndOthersKeepTheirs() throws Exception {
        // a 5 s TTL: a session's later uses are recorded at most every TTL/10 = 500 ms
        RedisSessionStoreOptions options = RedisSessionStoreOptions.builder().maximumSessionsPerUser(3)
                .ttl(Duration.ofSeconds(5)).build();
        Duration refresh = RedisSessionStore.indexRefresh(options.ttl());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + run;
        String bob = "bob-" + run;
        try (RedisSessionStore store = store(options); DialogEngine engine = TestEngines.engine(store)) {
            // bob's session is the oldest of all: a global LRU would take it first
            engine.chat(ChatRequest.of(bob, "b1", "年假有几天"));
            for (String sid : List.of("a1", "a2", "a3")) {
                engine.chat(ChatRequest.of(alice, sid, "年假有几天"));
            }
            // a1 used again once its last recorded use is older than the refresh interval, so that
            // this use is recorded (waiting is the point: nothing to poll for): a2 is now alice's oldest
            Thread.sleep(refresh.toMillis() + 50);
            engine.chat(ChatRequest.of(alice, "a1", "那病假呢"));
            engine.chat(ChatRequest.of(alice, "a4", "年假有几天"));
            RedisProcesses.awaitCondition(Duration.ofSeconds(5), () -> !exists(alice, "a2"),
                    "alice's least recently used session to be evicted");
            assertThat(exists(alice, "a1")).isTrue();
            assertThat(exists(alice, "a3")).isTrue();
            assertThat(exists(alice, "a4")).isTrue();
            assertThat(exists(bob, "b1")).isTrue();
            assertThat(engine.session(alice, "a2")).isEmpty();
            assertThat(engine.session(alice, "a1")).get().extracting(SessionState::turns).isEqualTo(2L);
            assertThat(store.metrics().evictedPerUserCount()).isEqualTo(1);
            // the index: one sorted set per user, expiring with the sessions
            String aliceSet = "ivbot:u:{" + DialogEngine.storeSessionId(alice, "a1").substring(0, 16) + "}";
            assertThat(adminConnection.sync().zrange(aliceSet, 0, -1)).containsExactly(
                    DialogEngine.storeSessionId(alice, "a3"), DialogEngine.storeSessionId(alice, "a1"),
                    DialogEngine.storeSessionId(alice, "a4"));
            assertThat(adminConnection.sync().pttl(aliceSet)).isPositive().isLessThanOrEqualTo(5_000);
            // a deleted session leaves the index at once, so it costs the user no live session
            assertThat(store.delete(DialogEngine.storeSessionId(alice, "a3")).toCompletableFuture().join()).isTrue();
            engine.chat(ChatRequest.of(alice, "a5", "年假有几天"));
            assertThat(adminConnection.sync().zcard(aliceSet)).isEqualTo(3);
            assertThat(exists(alice, "a1")).isTrue();
            assertThat(store.metrics().evictedPerUserCount()).isEqualTo(1);
        }
    }

    private static boolean exists(String user, String sid) {
        return adminConnection.sync().exists(RedisSessionStore.keyOf(DialogEngine.storeSessionId(user, sid))) == 1;
    }

    @Test
    void touchAndSaveRenewTheTtlOnTheServer() {
        try (RedisSessionStore store = store(RedisSessionStoreOptions.create());
                DialogEngine engine = TestEngines.engine(store)) {
            String id = sid();
            engine.chat(ChatRequest.of("u1", id, "年假有几天"));
            String key = RedisSessionStore.keyOf(DialogEngine.storeSessionId("u1", id));
            adminConnection.sync().pexpire(key, 5_000);
            assertThat(engine.touch("u1", id)).isTrue();
            assertThat(adminConnection.sync().pttl(key)).isGreaterThan(5_000);

            adminConnection.sync().pexpire(key, 5_000);
            engine.chat(ChatRequest.of("u1", id, "那病假呢"));
            assertThat(adminConnection.sync().pttl(key)).isGreaterThan(5_000);
            assertThat(engine.session("u1", id).orElseThrow().turns()).isEqualTo(2);
        }
    }

    @Test
    void aSessionExpiresOnTheServerAfterItsTtl() {
        try (RedisSessionStore store = store(RedisSessionStoreOptions.builder().ttl(Duration.ofMillis(300)).build())) {
            String id = sid();
            store.save(first(id)).toCompletableFuture().join();
            RedisProcesses.awaitCondition(Duration.ofSeconds(10),
                    () -> store.load(id).toCompletableFuture().join().isEmpty(), "the session to expire");
            assertThat(adminConnection.sync().exists(RedisSessionStore.keyOf(id))).isZero();
        }
    }

    @Test
    void concurrentTurnsFromTwoEnginesOnOneSessionAllLand() throws Exception {
        // two engines (two JVMs in production), each with its own store and connection, send a turn of
        // the same session at the same moment, round after round: both turns of every round land
        String id = sid();
        int rounds = 150;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        try (RedisSessionStore storeA = store(RedisSessionStoreOptions.create());
                RedisSessionStore storeB = store(RedisSessionStoreOptions.create());
                DialogEngine a = TestEngines.engine(storeA); DialogEngine b = TestEngines.engine(storeB)) {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (DialogEngine engine : List.of(a, b)) {
                results.add(pool.submit(() -> {
                    List<Long> numbers = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        together.await(30, TimeUnit.SECONDS);
                        Reply r = engine.chat(ChatRequest.of("u1", id, TestEngines.QUESTIONS[i % 8]));
                        numbers.add(r.turn());
                    }
                    return numbers;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : results) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            long total = 2L * rounds;
            SessionState state = a.session("u1", id).orElseThrow();
            assertThat(state.turns()).isEqualTo(total);
            assertThat(state.version()).isEqualTo(total);
            // every turn got its own number: none overwrote another
            assertThat(all).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).isBetween(1L, total));
            System.out.println("two engines, one session: " + total + " turns, conflicts retried "
                    + (storeA.metrics().conflictCount() + storeB.metrics().conflictCount()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSaveFallsBackToEvalWhenTheServerForgotTheScript() {
        try (RedisSessionStore store = store(RedisSessionStoreOptions.create())) {
            String id = sid();
            adminConnection.sync().scriptFlush();
            assertThat(store.save(first(id)).toCompletableFuture().join()).isEqualTo(SaveOutcome.SAVED);
            assertThat(store.load(id).toCompletableFuture().join()).contains(first(id));
        }
    }

    @Test
    void aReplayedSaveThatHadLandedIsReportedSavedNotConflict() {
        // the idempotence that makes replays after a lost reply safe: same write id, second run says 2
        String id = sid();
        String key = RedisSessionStore.keyOf(id);
        String[] args = {"0", "60000", "w.1", "ver", "1", "sid", id, "user", "u1", "turns", "1"};
        Long firstRun = adminConnection.sync().eval(dev.ivbot.redis.internal.SaveScript.SOURCE,
                io.lettuce.core.ScriptOutputType.INTEGER, new String[] {key}, args);
        Long secondRun = adminConnection.sync().eval(dev.ivbot.redis.internal.SaveScript.SOURCE,
                io.lettuce.core.ScriptOutputType.INTEGER, new String[] {key}, args);
        String[] other = args.clone();
        other[2] = "w.2";
        Long otherWriter = adminConnection.sync().eval(dev.ivbot.redis.internal.SaveScript.SOURCE,
                io.lettuce.core.ScriptOutputType.INTEGER, new String[] {key}, other);
        assertThat(List.of(firstRun, secondRun, otherWriter)).containsExactly(1L, 2L, 0L);
    }

    @Test
    void aHostConnectionIsUsedAndLeftOpen() {
        RedisSessionStore store = RedisSessionStore.builder().connection(adminConnection, false).build();
        String id = sid();
        assertThat(store.save(first(id)).toCompletableFuture().join()).isEqualTo(SaveOutcome.SAVED);
        store.close();
        assertThat(adminConnection.isOpen()).isTrue();
        assertThat(adminConnection.sync().exists(RedisSessionStore.keyOf(id))).isOne();
    }

    @Test
    void savesWaitForARestartedServerAndAreReplayedInOrderWhileLoadsUseTheNearCache() throws Exception {
        try (RedisProcesses own = new RedisProcesses()) {
            RedisProcesses.Node node = own.server();
            try (RedisSessionStore store = RedisSessionStore.builder().uri(node.uri())
                    .options(RedisSessionStoreOptions.builder().failoverBuffer(Duration.ofSeconds(30))
                            .readYourWrites(false).build()).build()) {
                String id = sid();
                SessionState v1 = first(id);
                store.save(v1).toCompletableFuture().join();
                assertThat(store.load(id).toCompletableFuture().join()).contains(v1);

                node.kill();
                // served from the near cache while the server is down
                assertThat(store.load(id).toCompletableFuture().get(5, TimeUnit.SECONDS)).contains(v1);
                SessionState v2 = v1.next(null, "zh", Map.of(), new TurnRecord(2, null, "q2"), 3);
                SessionState v3 = v2.next(null, "zh", Map.of(), new TurnRecord(3, null, "q3"), 4);
                CompletableFuture<SaveOutcome> s2 = store.save(v2).toCompletableFuture();
                CompletableFuture<SaveOutcome> s3 = store.save(v3).toCompletableFuture();
                RedisProcesses.awaitCondition(Duration.ofSeconds(5), () -> store.health().bufferedSaves() == 2,
                        "two buffered saves");
                assertThat(store.health().reachable()).isFalse();
                assertThat(s2).isNotDone();

                node.restart(); // empty: no persistence; v1 is gone, so replay v1 first by hand
                RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> store.health().bufferedSaves() == 0
                        || s2.isDone(), "the replay");
                // v2 expected version 1 but the restarted server is empty: a conflict, in order, then v3 conflicts too
                assertThat(s2.get(10, TimeUnit.SECONDS)).isEqualTo(SaveOutcome.CONFLICT);
                assertThat(s3.get(10, TimeUnit.SECONDS)).isEqualTo(SaveOutcome.CONFLICT);
                assertThat(store.metrics().bufferedCount()).isEqualTo(2);
                assertThat(store.metrics().replayedCount()).isEqualTo(2);
                assertThat(store.metrics().nearCacheReadCount()).isEqualTo(1);
                assertThat(store.health().reachable()).isTrue();
            }
        }
    }

    @Test
    void aBufferedSaveReplayedToTheSameDataLandsAndIsCounted() throws Exception {
        try (RedisProcesses own = new RedisProcesses()) {
            RedisProcesses.Node node = own.server();
            try (RedisSessionStore store = RedisSessionStore.builder().uri(node.uri())
                    .options(RedisSessionStoreOptions.builder().failoverBuffer(Duration.ofSeconds(30)).build()).build()) {
                String id = sid();
                node.kill();
                CompletableFuture<SaveOutcome> s1 = store.save(first(id)).toCompletableFuture();
                RedisProcesses.awaitCondition(Duration.ofSeconds(5), () -> store.health().bufferedSaves() == 1,
                        "a buffered save");
                RedisProcesses.awaitCondition(Duration.ofSeconds(5),
                        () -> store.health().oldestBuffered().toMillis() > 0, "the buffered save to age");
                node.restart();
                assertThat(s1.get(10, TimeUnit.SECONDS)).isEqualTo(SaveOutcome.SAVED);
                assertThat(store.load(id).toCompletableFuture().join()).contains(first(id));
                assertThat(store.metrics().replayedCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void aSaveNoReplicaConfirmsIsNotAcknowledgedUntilOneDoes() throws Exception {
        try (RedisProcesses own = new RedisProcesses()) {
            RedisProcesses.Node master = own.server();
            RedisProcesses.Node replica = own.replica(master);
            RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> String.valueOf(
                    RedisProcesses.command(replica.port, "INFO", "replication")).contains("master_link_status:up"),
                    "the replica to sync");
            RedisSessionStore store = RedisSessionStore.builder().uri(master.uri())
                    .options(RedisSessionStoreOptions.builder().replicaAcks(1).build()).build();
            try (store; DialogEngine engine = TestEngines.engine(store)) {
                String id = sid();
                assertThat(engine.chat(ChatRequest.of("u1", id, "年假有几天")).turn()).isEqualTo(1);
                replica.freeze(); // still connected to the master, but confirms nothing
                try {
                    CompletableFuture<Reply> pending = engine.chatAsync(ChatRequest.of("u1", id, "那病假呢"));
                    RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> store.health().inDoubtSaves() == 1,
                            "the unconfirmed save to wait in doubt");
                    assertThat(store.metrics().unreplicatedCount()).isPositive();
                    assertThat(pending).as("on the master alone: not acknowledged").isNotDone();
                    assertThat(store.health().reachable()).isFalse();
                    assertThat(store.health().accepting()).isTrue();
                } finally {
                    replica.thaw();
                }
                RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> store.health().bufferedSaves() == 0,
                        "the replica to confirm the save");
                Reply third = engine.chat(ChatRequest.of("u1", id, "面试有几轮"));
                assertThat(third.turn()).as("the second turn was acknowledged, exactly once").isEqualTo(3);
                assertThat(RedisProcesses.command(replica.port, "HGET",
                        RedisSessionStore.keyOf(DialogEngine.storeSessionId("u1", id)), "turns"))
                        .isEqualTo("3");
            }
        }
    }

    @Test
    void aLostMasterKeepsTheStoreAcceptingUntilTheBufferWindowHasPassedEvenWithNothingBuffered() throws Exception {
        Duration buffer = Duration.ofSeconds(1);
        try (RedisProcesses own = new RedisProcesses()) {
            RedisProcesses.Node node = own.server();
            try (RedisSessionStore store = RedisSessionStore.builder().uri(node.uri())
                    .options(RedisSessionStoreOptions.builder().failoverBuffer(buffer).build()).build()) {
                assertThat(store.health().accepting()).isTrue();
                node.kill();
                RedisProcesses.awaitCondition(Duration.ofSeconds(5), () -> !store.health().reachable(),
                        "the store to notice the lost server");
                long noticed = System.nanoTime();
                StoreHealth during = store.health();
                // no save has arrived: the buffer is empty, and still a failover of up to 1 s is absorbed
                assertThat(during.bufferedSaves()).isZero();
                assertThat(during.accepting()).as(during.description()).isTrue();
                RedisProcesses.awaitCondition(Duration.ofSeconds(5), () -> !store.health().accepting(),
                        "the outage to outlast the buffer");
                assertThat(Duration.ofNanos(System.nanoTime() - noticed)).isLessThanOrEqualTo(buffer.plusMillis(500));
                node.restart();
                RedisProcesses.awaitCondition(Duration.ofSeconds(10),
                        () -> store.health().reachable() && store.health().accepting(), "the store to be back");
            }
        }
    }

    @Test
    void pastTheBufferBoundTheSaveIsRefusedNotAppliedAndTheEngineRepliesBusy() throws Exception {
        try (RedisProcesses own = new RedisProcesses()) {
            RedisProcesses.Node node = own.server();
            RedisSessionStore store = RedisSessionStore.builder().uri(node.uri())
                    .options(RedisSessionStoreOptions.builder().failoverBuffer(Duration.ofMillis(300)).build()).build();
            try (store; DialogEngine engine = TestEngines.engine(store)) {
                String id = sid();
                Reply ok = engine.chat(ChatRequest.of("u1", id, "年假有几天"));
                assertThat(ok.turn()).isEqualTo(1);
                node.kill();
                Reply busy = engine.chat(ChatRequest.of("u1", id, "那病假呢"));
                assertThat(busy.fallbackReason()).isEqualTo(FallbackReason.STORE_BUSY);
                assertThat(busy.text()).isEqualTo("系统繁忙，请稍后重试。");
                assertThat(busy.turn()).isZero();
                assertThat(store.metrics().refusedCount()).isEqualTo(1);

                String fresh = sid();
                assertThatThrownBy(() -> store.load(fresh).toCompletableFuture().join())
                        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(StoreBusyException.class);

                node.restart();
                RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> store.health().reachable(), "reconnect");
                // the refused turn never reached the server (it restarted empty and stays so)
                Optional<SessionState> after = store.loadFresh(id).toCompletableFuture().join();
                assertThat(after).isEmpty();
                // the local copy of the lost session is caught by the save: the next turn starts afresh
                Reply next = engine.chat(ChatRequest.of("u1", id, "那病假呢"));
                assertThat(next.turn()).isEqualTo(1);
            }
        }
    }
}
