package dev.ivbot.examples.server;

import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.redis.RedisSessionStoreOptions;
import dev.ivbot.spi.SessionStore;
import io.lettuce.core.RedisURI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** The session store from {@link ServerConfig#redisUri()}: Redis when set, in-memory otherwise. */
final class SessionStores {
    private static final String CLUSTER_SCHEME = "redis-cluster://";

    private SessionStores() {}

    static SessionStore create(ServerConfig config) {
        if (config.redisUri().isEmpty()) {
            return SessionStore.inMemory(config.sessionTtl(), 1_000_000, config.maxSessionsPerUser(),
                    InstantSource.system());
        }
        String uri = config.redisUri().get();
        RedisSessionStore.Builder builder = RedisSessionStore.builder().options(redisOptions(config));
        if (uri.regionMatches(true, 0, CLUSTER_SCHEME, 0, CLUSTER_SCHEME.length())) {
            // redis-cluster://host1:7000,host2:7001 -> one seed per host
            String rest = uri.substring(CLUSTER_SCHEME.length());
            String auth = "";
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                auth = rest.substring(0, at + 1);
                rest = rest.substring(at + 1);
            }
            List<RedisURI> seeds = new ArrayList<>();
            for (String host : rest.replaceAll("/.*$", "").split(",")) {
                seeds.add(RedisURI.create("redis://" + auth + host.strip()));
            }
            builder.cluster(seeds);
        } else {
            builder.uri(uri);
        }
        return builder.build();
    }

    /** The Redis store's settings from the server's: TTL, failover buffer, command timeout, replica acks, in-doubt limit, per-user cap. */
    static RedisSessionStoreOptions redisOptions(ServerConfig config) {
        return RedisSessionStoreOptions.builder()
                .ttl(config.sessionTtl())
                .failoverBuffer(config.redisFailoverBuffer())
                .commandTimeout(config.redisCommandTimeout())
                .replicaAcks(config.redisReplicaAcks())
                .inDoubtLimit(config.redisInDoubtLimit())
                .maximumSessionsPerUser(config.maxSessionsPerUser())
                .build();
    }
}
