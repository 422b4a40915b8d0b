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
 * ({@code spring.data.redis.*}, or a connection details bean of a service connection): Cluster when
 * cluster nodes are set, else Sentinel when a master name is set, else standalone, with the same
 * credentials, database, TLS flag and command timeout. The store opens its own Lettuce connection (it
 * needs a string codec and its own failover handling). Stateless, thread-safe.
 */
public final class RedisStores {
    private RedisStores() {}

    /** Spring Boot 3.5's connection details and properties (Boot 4's: {@link Boot4RedisTargets}). */
    public static RedisSessionStore create(RedisConnectionDetails details, @Nullable RedisProperties redis,
            IvbotProperties.Session session) {
        List<RedisTarget.Node> cluster = new ArrayList<>();
        if (details.getCluster() != null) {
            details.getCluster().getNodes().forEach(n -> cluster.add(new RedisTarget.Node(n.host(), n.port())));
        }
        RedisTarget.Sentinel sentinel = null;
        if (details.getSentinel() != null) {
            RedisConnectionDetails.Sentinel s = details.getSentinel();
            sentinel = new RedisTarget.Sentinel(s.getMaster(), s.getDatabase(),
                    s.getNodes().stream().map(n -> new RedisTarget.Node(n.host(), n.port())).toList(),
                    s.getUsername(), s.getPassword());
        }
        RedisConnectionDetails.Standalone standalone = details.getStandalone();
        return create(new RedisTarget(details.getUsername(), details.getPassword(),
                redis != null && redis.getSsl().isEnabled(), redis == null ? null : redis.getTimeout(), cluster,
                sentinel, standalone == null ? null : new RedisTarget.Node(standalone.getHost(), standalone.getPort()),
                standalone == null ? 0 : standalone.getDatabase()), session);
    }

    public static RedisSessionStore create(RedisTarget target, IvbotProperties.Session session) {
        RedisSessionStoreOptions.Builder options = RedisSessionStoreOptions.builder()
                .ttl(session.getTtl())
                .failoverBuffer(session.getRedisFailoverBuffer())
                .maximumSessionsPerUser(session.getMaxPerUser());
        if (target.timeout() != null) {
            options.commandTimeout(target.timeout());
        }
        RedisSessionStore.Builder store = RedisSessionStore.builder().options(options.build());
        if (!target.clusterNodes().isEmpty()) {
            List<RedisURI> seeds = new ArrayList<>();
            for (RedisTarget.Node node : target.clusterNodes()) {
                RedisURI.Builder uri = RedisURI.builder().withHost(node.host()).withPort(node.port())
                        .withSsl(target.ssl());
                auth(uri, target.username(), target.password());
                seeds.add(uri.build());
            }
            return store.cluster(seeds).build();
        }
        RedisTarget.Sentinel sentinel = target.sentinel();
        if (sentinel != null) {
            RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(sentinel.master())
                    .withDatabase(sentinel.database()).withSsl(target.ssl());
            for (RedisTarget.Node node : sentinel.nodes()) {
                RedisURI.Builder sentinelUri = RedisURI.builder().withHost(node.host()).withPort(node.port());
                auth(sentinelUri, sentinel.username(), sentinel.password());
                uri.withSentinel(sentinelUri.build());
            }
            auth(uri, target.username(), target.password());
            return store.uri(uri.build()).build();
        }
        RedisTarget.Node standalone = target.standalone() != null ? target.standalone()
                : new RedisTarget.Node("localhost", RedisURI.DEFAULT_REDIS_PORT);
        RedisURI.Builder uri = RedisURI.builder().withHost(standalone.host()).withPort(standalone.port())
                .withDatabase(target.database()).withSsl(target.ssl());
        auth(uri, target.username(), target.password());
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
