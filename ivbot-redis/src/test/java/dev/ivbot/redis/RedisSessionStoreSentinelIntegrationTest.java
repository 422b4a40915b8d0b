package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.DialogEngine;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sentinel: 1 master, 1 or 2 replicas, 3 sentinels (quorum 2, down-after 1 s). The master is
 * SIGKILLed, or frozen with SIGSTOP (a partition: no reset), while turns flow through two engines;
 * afterwards every acknowledged turn is in its session.
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

    @Test
    void aFrozenMasterIsLeftWithinTheDetectionTimeAndNoAcknowledgedTurnIsLost() throws Exception {
        freezeMasterWhileTurnsFlow(Duration.ofSeconds(12));
    }

    /** The 40 s partition of issue #17: longer than the in-doubt limit's share of a turn's wait. */
    @Test
    @org.junit.jupiter.api.Tag("long")
    void aMasterFrozenFor40sIsLeftAsWellAndNoAcknowledgedTurnIsLost() throws Exception {
        freezeMasterWhileTurnsFlow(Duration.ofSeconds(40));
    }

    /**
     * The second way to partition: the store and the sentinels reach the master only through a TCP
     * proxy, which black-holes its traffic for 12 s (sockets open, no bytes, no reset) while the
     * master keeps running and keeps its direct link to the replicas. Sentinel promotes a replica;
     * after the heal it demotes the old master through the proxy.
     */
    @Test
    void aBlackHoledMasterIsLeftWithinTheDetectionTimeAndNoAcknowledgedTurnIsLost() throws Exception {
        partitionMasterWhileTurnsFlow("blackhole", Duration.ofSeconds(12), true, (master, proxy) -> proxy.blackHole(),
                (master, proxy) -> proxy.heal());
    }

    private void freezeMasterWhileTurnsFlow(Duration freeze) throws Exception {
        // SIGSTOP: no reset, no closed socket
        partitionMasterWhileTurnsFlow("freeze", freeze, false, (master, proxy) -> master.freeze(),
                (master, proxy) -> master.thaw());
    }

    /** Cuts the master off, or heals the cut; {@code proxy} is null without one. */
    @FunctionalInterface
    interface Cut {
        void apply(RedisProcesses.Node master, TcpProxy proxy);
    }

    /**
     * A partition of {@code length} under load, with two replicas so that the new master has one;
     * afterwards Sentinel must have demoted the old master, and turns must have been acknowledged
     * on the new master while the partition still lasted.
     */
    private void partitionMasterWhileTurnsFlow(String kind, Duration length, boolean viaProxy, Cut cut, Cut heal)
            throws Exception {
        Duration recovery = breakMasterWhileTurnsFlow(RedisSessionStoreOptions.DEFAULT_FAILOVER_BUFFER,
                "sentinel-" + kind + "-" + length.toSeconds() + "s", 2, viaProxy, (redis, master, proxy) -> {
                    cut.apply(master, proxy);
                    long cutAt = System.nanoTime();
                    return () -> {
                        // the partition lasts as long as asked, however soon the store moved on: this sleep
                        // is the partition under test, there is no signal to await
                        long left = length.toMillis() - (System.nanoTime() - cutAt) / 1_000_000;
                        Thread.sleep(Math.max(0, left));
                        heal.apply(master, proxy);
                        // Sentinel demotes the old master; it resyncs from the new one
                        RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> String.valueOf(
                                RedisProcesses.command(master.port, "INFO", "replication")).contains("role:slave"),
                                "the old master to be demoted");
                    };
                });
        assertThat(recovery).isLessThan(length);
    }

    /** What breaks the master; returns what to do once the store has moved to the new master. */
    @FunctionalInterface
    interface Breakage {
        /** {@code proxy} is the one in front of the master, or null when the test runs without it. */
        Aftermath apply(RedisProcesses redis, RedisProcesses.Node master, TcpProxy proxy) throws Exception;
    }

    @FunctionalInterface
    interface Aftermath {
        void run() throws Exception;
    }

    private void killMasterWhileTurnsFlow(Duration failoverBuffer, String scenario) throws Exception {
        // one replica: the killed node is restarted below, and becomes the new master's replica
        breakMasterWhileTurnsFlow(failoverBuffer, scenario, 1, false, (redis, master, proxy) -> {
            master.kill();
            return () -> { };
        });
    }

    /** Returns the time from the breakage to turns acknowledged on the new master by both stores. */
    private Duration breakMasterWhileTurnsFlow(Duration failoverBuffer, String scenario, int replicaCount,
            boolean viaProxy, Breakage breakage) throws Exception {
        int masterPort = RedisProcesses.freePort();
        try (RedisProcesses redis = new RedisProcesses(); TcpProxy proxy = viaProxy ? new TcpProxy(masterPort) : null) {
            // behind the proxy the master announces the proxy's port once it is demoted to a replica,
            // so that Sentinel knows it under one address (the one it monitored)
            RedisProcesses.Node master = viaProxy
                    ? redis.serverOn(masterPort, "--replica-announce-port", Integer.toString(proxy.port))
                    : redis.serverOn(masterPort);
            int monitoredPort = viaProxy ? proxy.port : master.port;
            List<RedisProcesses.Node> replicas = new java.util.ArrayList<>();
            for (int i = 0; i < replicaCount; i++) {
                RedisProcesses.Node replica = redis.replica(master);
                replicas.add(replica);
                RedisProcesses.awaitCondition(Duration.ofSeconds(10), () -> String.valueOf(
                        RedisProcesses.command(replica.port, "INFO", "replication")).contains("master_link_status:up"),
                        "the replica to sync");
            }
            List<RedisProcesses.Node> sentinels = List.of(redis.sentinel(MASTER, monitoredPort),
                    redis.sentinel(MASTER, monitoredPort), redis.sentinel(MASTER, monitoredPort));
            for (RedisProcesses.Node s : sentinels) {
                RedisProcesses.awaitCondition(Duration.ofSeconds(15),
                        () -> Integer.toString(replicaCount).equals(RedisProcesses.command(s.port, "SENTINEL", "REPLICAS", MASTER))
                                && "2".equals(RedisProcesses.command(s.port, "SENTINEL", "SENTINELS", MASTER)),
                        "sentinel " + s.port + " to see the replicas and the other sentinels");
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
                        "turns to flow before the master breaks");
                long brokenAt = System.nanoTime();
                Aftermath aftermath = breakage.apply(redis, master, proxy);
                RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> replicas.stream().anyMatch(r -> String.valueOf(
                        RedisProcesses.command(r.port, "INFO", "replication")).contains("role:master")),
                        "sentinel to promote a replica");
                if (replicaCount == 1) {
                    // the orchestrator restarts the dead node once Sentinel has switched (an empty master
                    // back before the switch would be taken for the old one: Redis's known hazard without
                    // persistence); Sentinel makes it the new master's replica, which is what lets the new
                    // master confirm saves again
                    for (RedisProcesses.Node s : sentinels) {
                        // a sentinel that does not answer (null) has not named anyone: restarting then
                        // could bring the empty node back before the switch is final
                        // and to have had a reply from it: a switch resets a sentinel's link to the new master
                        // as if a ping were outstanding since then, so with the first reply later than the
                        // down-after period (1 s here) it takes the new master for down, and a second
                        // failover promotes the node restarted empty (seen in CI: sessions back at turn 1)
                        RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> {
                            String named = RedisProcesses.sentinelMasterPort(s.port, MASTER);
                            java.util.Map<String, String> m = RedisProcesses.sentinelMaster(s.port, MASTER);
                            return named != null && replicas.stream().anyMatch(r -> named.equals(Integer.toString(r.port)))
                                    // no ping outstanding: the reset link has had its first reply
                                    && "master".equals(m.get("flags")) && "0".equals(m.get("last-ping-sent"))
                                    && "master".equals(m.get("role-reported"));
                        }, "sentinel " + s.port + " to name the new master and reach it");
                    }
                    master.restart();
                }
                long ackedAtPromotion = driver.acked.get();
                RedisProcesses.awaitCondition(Duration.ofSeconds(30),
                        () -> driver.acked.get() >= ackedAtPromotion + 100 && storeA.health().reachable()
                                && storeB.health().reachable(),
                        "both stores to acknowledge turns on the new master");
                long recoveredAt = System.nanoTime();
                aftermath.run();
                driver.finishAndCheckNothingLost(scenario, a, brokenAt, recoveredAt,
                        " storeA=" + storeA.metrics() + " storeB=" + storeB.metrics());
                return Duration.ofNanos(recoveredAt - brokenAt);
            } finally {
                driver.stop();
            }
        }
    }
}
