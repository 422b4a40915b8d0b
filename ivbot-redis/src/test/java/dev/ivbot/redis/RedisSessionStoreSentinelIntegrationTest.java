package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.DialogEngine;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sentinel: 1 master, 1 replica, 3 sentinels (quorum 2, down-after 1 s). The master is SIGKILLed
 * while turns flow through two engines; afterwards every acknowledged turn is in its session.
 */
class RedisSessionStoreSentinelIntegrationTest {

    private static final String MASTER = "mymaster";

    @Test
    void noAcknowledgedTurnIsLostWhenTheMasterIsKilled() throws Exception {
        killMasterWhileTurnsFlow(RedisSessionStoreOptions.DEFAULT_FAILOVER_BUFFER, "sentinel");
    }

    @Test
    void withABufferShorterThanTheFailoverTurnsGetBusyRepliesInsideTheWindowOnlyAndNoneIsApplied() throws Exception {
        // every worker checks that each acknowledged reply carries the next turn number of its session:
        // a busy turn that was applied anyway would break that
        killMasterWhileTurnsFlow(Duration.ofMillis(800), "sentinel-short-buffer");
    }

    private void killMasterWhileTurnsFlow(Duration failoverBuffer, String scenario) throws Exception {
        try (RedisProcesses redis = new RedisProcesses()) {
            RedisProcesses.Node master = redis.server();
            RedisProcesses.Node replica = redis.replica(master);
            RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> String.valueOf(
                    RedisProcesses.command(replica.port, "INFO", "replication")).contains("master_link_status:up"),
                    "the replica to sync");
            List<RedisProcesses.Node> sentinels = List.of(redis.sentinel(MASTER, master), redis.sentinel(MASTER, master),
                    redis.sentinel(MASTER, master));
            for (RedisProcesses.Node s : sentinels) {
                RedisProcesses.awaitCondition(Duration.ofSeconds(15),
                        () -> "1".equals(RedisProcesses.command(s.port, "SENTINEL", "REPLICAS", MASTER))
                                && "2".equals(RedisProcesses.command(s.port, "SENTINEL", "SENTINELS", MASTER)),
                        "sentinel " + s.port + " to see the replica and the other sentinels");
            }
            RedisURI.Builder uri = RedisURI.builder();
            sentinels.forEach(s -> uri.withSentinel("127.0.0.1", s.port));
            RedisURI sentinelUri = uri.withSentinelMasterId(MASTER).build();
            // docs/redis.md shows this URI as redis-sentinel://127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381#mymaster

            FailoverDriver driver = new FailoverDriver();
            RedisSessionStoreOptions options = RedisSessionStoreOptions.builder().failoverBuffer(failoverBuffer).build();
            RedisSessionStore storeA = RedisSessionStore.builder().uri(sentinelUri).options(options).build();
            RedisSessionStore storeB = RedisSessionStore.builder().uri(sentinelUri).options(options).build();
            assertThat(storeA.replicaAcks()).isEqualTo(1);
            try (storeA; storeB; DialogEngine a = TestEngines.engine(storeA); DialogEngine b = TestEngines.engine(storeB)) {
                driver.start(List.of(a, b), 4, 3, "sentinel");
                RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> driver.acked.get() >= 300,
                        "turns to flow before the kill");
                long killedAt = System.nanoTime();
                master.kill();
                RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> String.valueOf(
                        RedisProcesses.command(replica.port, "INFO", "replication")).contains("role:master"),
                        "sentinel to promote the replica");
                RedisProcesses.awaitCondition(Duration.ofSeconds(30),
                        () -> storeA.health().reachable() && storeB.health().reachable()
                                && storeA.health().bufferedSaves() == 0 && storeB.health().bufferedSaves() == 0,
                        "both stores to reach the new master");
                long recoveredAt = System.nanoTime();
                driver.finishAndCheckNothingLost(scenario, a, killedAt, recoveredAt,
                        " storeA=" + storeA.metrics() + " storeB=" + storeB.metrics());
            } finally {
                driver.stop();
            }
        }
    }
}
