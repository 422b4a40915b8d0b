package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.DialogEngine;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cluster: 3 masters, 3 replicas, node timeout 1 s. Sessions spread over all masters; one master
 * is SIGKILLed while turns flow; its replica takes over and nothing acknowledged is lost.
 */
class RedisSessionStoreClusterIntegrationTest {

    @Test
    void sessionsSpreadOverAllMastersAndNoAcknowledgedTurnIsLostWhenOneIsKilled() throws Exception {
        try (RedisProcesses redis = new RedisProcesses()) {
            List<RedisProcesses.Node> masters = new ArrayList<>();
            List<RedisProcesses.Node> replicas = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                masters.add(redis.clusterNode());
            }
            for (int i = 0; i < 3; i++) {
                replicas.add(redis.clusterNode());
            }
            createCluster(masters, replicas);

            List<RedisURI> seeds = masters.stream().map(m -> RedisURI.create("127.0.0.1", m.port)).toList();
            FailoverDriver driver = new FailoverDriver();
            RedisSessionStore storeA = RedisSessionStore.builder().cluster(seeds).build();
            RedisSessionStore storeB = RedisSessionStore.builder().cluster(seeds).build();
            assertThat(storeA.replicaAcks()).isEqualTo(1);
            try (storeA; storeB; DialogEngine a = TestEngines.engine(storeA); DialogEngine b = TestEngines.engine(storeB)) {
                driver.start(List.of(a, b), 4, 4, "cluster");
                RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> driver.acked.get() >= 300,
                        "turns to flow before the kill");
                for (RedisProcesses.Node m : masters) {
                    assertThat(Long.parseLong(RedisProcesses.command(m.port, "DBSIZE")))
                            .as("sessions on master %d", m.port).isPositive();
                }
                RedisProcesses.Node victim = masters.get(0);
                RedisProcesses.Node heir = replicas.get(0);
                long killedAt = System.nanoTime();
                victim.kill();
                RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> String.valueOf(
                        RedisProcesses.command(heir.port, "INFO", "replication")).contains("role:master"),
                        "the replica to take over");
                // the orchestrator restarts the dead node: it rejoins as the heir's replica, which is what
                // lets the heir confirm saves again (a save no replica confirmed is never acknowledged)
                victim.restart();
                RedisProcesses.awaitCondition(Duration.ofSeconds(30),
                        () -> storeA.health().bufferedSaves() == 0 && storeB.health().bufferedSaves() == 0,
                        "the buffered saves to be replayed");
                long recoveredAt = System.nanoTime();
                driver.finishAndCheckNothingLost("cluster", a, killedAt, recoveredAt,
                        " storeA=" + storeA.metrics() + " storeB=" + storeB.metrics());
            } finally {
                driver.stop();
            }
        }
    }

    /** What {@code redis-cli --cluster create ... --cluster-replicas 1} does, with plain commands. */
    static void createCluster(List<RedisProcesses.Node> masters, List<RedisProcesses.Node> replicas) {
        int per = 16384 / masters.size();
        for (int i = 0; i < masters.size(); i++) {
            int from = i * per;
            int to = i == masters.size() - 1 ? 16383 : from + per - 1;
            List<String> cmd = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int s = from; s <= to; s++) {
                cmd.add(Integer.toString(s));
            }
            RedisProcesses.Node m = masters.get(i);
            assertThat(RedisProcesses.command(m.port, cmd.toArray(String[]::new))).isEqualTo("OK");
            RedisProcesses.command(m.port, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        }
        List<RedisProcesses.Node> all = new ArrayList<>(masters);
        all.addAll(replicas);
        for (RedisProcesses.Node n : all.subList(1, all.size())) {
            RedisProcesses.command(all.get(0).port, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(n.port));
        }
        for (RedisProcesses.Node n : all) {
            RedisProcesses.awaitCondition(Duration.ofSeconds(20), () -> String.valueOf(
                    RedisProcesses.command(n.port, "CLUSTER", "INFO")).contains("cluster_known_nodes:" + all.size()),
                    "node " + n.port + " to know every node");
        }
        for (int i = 0; i < replicas.size(); i++) {
            String masterId = RedisProcesses.command(masters.get(i).port, "CLUSTER", "MYID");
            RedisProcesses.Node r = replicas.get(i);
            RedisProcesses.awaitCondition(Duration.ofSeconds(20),
                    () -> "OK".equals(RedisProcesses.command(r.port, "CLUSTER", "REPLICATE", masterId)),
                    "node " + r.port + " to replicate " + masterId);
        }
        for (RedisProcesses.Node n : all) {
            RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> String.valueOf(
                    RedisProcesses.command(n.port, "CLUSTER", "INFO")).contains("cluster_state:ok"),
                    "node " + n.port + " to report cluster_state:ok");
        }
        for (RedisProcesses.Node r : replicas) {
            RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> String.valueOf(
                    RedisProcesses.command(r.port, "INFO", "replication")).contains("master_link_status:up"),
                    "replica " + r.port + " to sync");
        }
    }
}
