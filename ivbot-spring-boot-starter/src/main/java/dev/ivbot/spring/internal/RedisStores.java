package dev.ivbot.spring.internal;

import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.redis.RedisSessionStoreOptions;
import dev.ivbot.spring.IvbotProperties;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;

/**
 * A {@link RedisSessionStore} at the place the portal's Spring Data Redis connects to
 * ({@code spring.data.redis.*}, or a {@link RedisConnectionDetails} bean of a service connection):
 * Cluster when cluster nodes are set, else Sentinel when a master name is set, else standalone, with
 * the same credentials, database, TLS flag and command timeout. The store opens its own Lettuce
 * connection (it needs a string codec and its own failover handling). Stateless, thread-safe.
 */
public final class RedisStores {
    private RedisStores() {}

    public static RedisSessionStore create(RedisConnectionDetails details, @Nullable RedisProperties redis,
            IvbotProperties.Session session) {
        boolean ssl = redis != null && redis.getSsl().isEnabled();
        RedisSessionStoreOptions.Builder options = RedisSessionStoreOptions.builder()
                .ttl(session.getTtl())
                .failoverBuffer(session.getRedisFailoverBuffer())
                .maximumSessionsPerUser(session.getMaxPerUser());
        if (redis != null && redis.getTimeout() != null) {
            options.commandTimeout(redis.getTimeout());
        }
        RedisSessionStore.Builder store = RedisSessionStore.builder().options(options.build());
        if (details.getCluster() != null) {
            List<RedisURI> seeds = new ArrayList<>();
            for (RedisConnectionDetails.Node node : details.getCluster().getNodes()) {
                RedisURI.Builder uri = RedisURI.builder().withHost(node.host()).withPort(node.port()).withSsl(ssl);
                auth(uri, details.getUsername(), details.getPassword());
                seeds.add(uri.build());
            }
            return store.cluster(seeds).build();
        }
        if (details.getSentinel() != null) {
            RedisConnectionDetails.Sentinel sentinel = details.getSentinel();
            RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(sentinel.getMaster())
                    .withDatabase(sentinel.getDatabase()).withSsl(ssl);
            for (RedisConnectionDetails.Node node : sentinel.getNodes()) {
                RedisURI.Builder sentinelUri = RedisURI.builder().withHost(node.host()).withPort(node.port());
                auth(sentinelUri, sentinel.getUsername(), sentinel.getPassword());
                uri.withSentinel(sentinelUri.build());
            }
            auth(uri, details.getUsername(), details.getPassword());
            return store.uri(uri.build()).build();
        }
        RedisConnectionDetails.Standalone standalone = details.getStandalone();
        RedisURI.Builder uri = RedisURI.builder().withHost(standalone.getHost()).withPort(standalone.getPort())
                .withDatabase(standalone.getDatabase()).withSsl(ssl);
        auth(uri, details.getUsername(), details.getPassword());
        return store.uri(uri.build()).build();
    }

    private static void auth(RedisURI.Builder uri, @Nullable String username, @Nullable String password) {
        if (password == null) {
            return;
        }
        if (username != null) {
            uri.withAuthentication(username, password);
        } else {
            uri.withPassword(password.toCharArray());
        }
    }
}
