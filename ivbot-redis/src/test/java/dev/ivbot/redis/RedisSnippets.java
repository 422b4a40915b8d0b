package dev.ivbot.redis;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.StoreHealth;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;

/**
 * The code shown in docs/redis.md. It compiles with the module's tests, so the documentation cannot
 * drift from the API; it is not run (it needs your servers).
 */
@SuppressWarnings("unused")
final class RedisSnippets {

    private RedisSnippets() {}

    static DialogEngine sentinel(KnowledgeBase kb, IntentClassifier classifier) {
        // tag::sentinel[]
        RedisSessionStore store = RedisSessionStore.builder()
                .uri("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379#mymaster")
                .options(RedisSessionStoreOptions.builder()
                        .ttl(Duration.ofMinutes(10))             // idle session lifetime, renewed by each turn
                        .failoverBuffer(Duration.ofSeconds(5))   // > your failover time, < the portal timeout
                        .commandTimeout(Duration.ofSeconds(2))
                        .build())
                .build();
        DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(classifier)
                .sessionStore(store)                             // yours: close it after the engine
                .build();
        // end::sentinel[]
        return engine;
    }

    static RedisSessionStore cluster() {
        // tag::cluster[]
        RedisSessionStore store = RedisSessionStore.builder()
                .cluster(List.of(RedisURI.create("redis://10.0.1.1:7000"), RedisURI.create("redis://10.0.1.2:7000")))
                .build();                                        // replica acks default to 1 on a cluster
        // end::cluster[]
        return store;
    }

    static RedisSessionStore hostClients(RedisClient client, RedisClusterClient clusterClient) {
        // tag::host-client[]
        // a client the application already has: the store opens its own connection and closes only that
        RedisSessionStore onClient = RedisSessionStore.builder()
                .client(client, RedisURI.create("redis://cache.internal:6379"))
                .build();
        RedisSessionStore onCluster = RedisSessionStore.builder().clusterClient(clusterClient).build();
        // end::host-client[]
        return onClient;
    }

    static void health(RedisSessionStore store) {
        // tag::health[]
        StoreHealth health = store.health();     // reachable, bufferedSaves, oldestBuffered, description
        RedisStoreMetrics m = store.metrics();   // buffered, replayed, refused, nearCacheReads, unreplicated
        System.out.printf("%s buffered=%d replayed=%d refused=%d%n", health.description(),
                m.bufferedCount(), m.replayedCount(), m.refusedCount());
        // end::health[]
    }
}
