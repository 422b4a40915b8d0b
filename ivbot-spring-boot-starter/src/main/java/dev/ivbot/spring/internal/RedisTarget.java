package dev.ivbot.spring.internal;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where the portal's Spring Data Redis connects, in the terms both Spring Boot 3.5
 * ({@code RedisConnectionDetails}) and Spring Boot 4 ({@code DataRedisConnectionDetails}) give it: cluster
 * nodes, else a Sentinel master, else one server; credentials, TLS and the command timeout. Immutable,
 * thread-safe.
 */
public record RedisTarget(@Nullable String username, @Nullable String password, boolean ssl,
        @Nullable Duration timeout, List<Node> clusterNodes, @Nullable Sentinel sentinel, @Nullable Node standalone,
        int database) {

    public RedisTarget {
        clusterNodes = List.copyOf(clusterNodes);
    }

    public record Node(String host, int port) {}

    public record Sentinel(String master, int database, List<Node> nodes, @Nullable String username,
            @Nullable String password) {
        public Sentinel {
            nodes = List.copyOf(nodes);
        }
    }
}
