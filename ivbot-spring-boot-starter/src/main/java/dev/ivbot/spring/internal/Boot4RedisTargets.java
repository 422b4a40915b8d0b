package dev.ivbot.spring.internal;

import dev.ivbot.spring.InvalidPropertyException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * Spring Boot 4's Redis connection details ({@code spring-boot-data-redis}) as a {@link RedisTarget}.
 * Stateless, thread-safe.
 */
public final class Boot4RedisTargets {
    private Boot4RedisTargets() {}

    /**
     * @throws InvalidPropertyException for a master/replica setup ({@code spring.data.redis.masterreplica.nodes}),
     *     which the session store does not connect to
     */
    public static RedisTarget of(DataRedisConnectionDetails details, @Nullable DataRedisProperties redis) {
        if (details.getMasterReplica() != null) {
            throw new InvalidPropertyException("spring.data.redis.masterreplica.nodes",
                    details.getMasterReplica().getNodes().stream().map(n -> n.host() + ":" + n.port())
                            .collect(Collectors.joining(",")),
                    "ivbot's Redis session store connects to one server, a Sentinel master or a Cluster, not to a static master/replica set",
                    "point ivbot at Sentinel or a Cluster, declare your own SessionStore bean, or set ivbot.session.redis=false");
        }
        List<RedisTarget.Node> cluster = new ArrayList<>();
        if (details.getCluster() != null) {
            details.getCluster().getNodes().forEach(n -> cluster.add(new RedisTarget.Node(n.host(), n.port())));
        }
        RedisTarget.Sentinel sentinel = null;
        if (details.getSentinel() != null) {
            DataRedisConnectionDetails.Sentinel s = details.getSentinel();
            sentinel = new RedisTarget.Sentinel(s.getMaster(), s.getDatabase(),
                    s.getNodes().stream().map(n -> new RedisTarget.Node(n.host(), n.port())).toList(),
                    s.getUsername(), s.getPassword());
        }
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        boolean ssl = details.getSslBundle() != null || (redis != null && redis.getSsl().isEnabled());
        return new RedisTarget(details.getUsername(), details.getPassword(), ssl,
                redis == null ? null : redis.getTimeout(), cluster, sentinel,
                standalone == null ? null : new RedisTarget.Node(standalone.getHost(), standalone.getPort()),
                standalone == null ? 0 : standalone.getDatabase());
    }
}
