package dev.ivbot.spring;

import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.internal.RedisStores;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The session store choices, imported by {@link IvbotAutoConfiguration} in this order: Redis when it is
 * there, else memory. Not nested in the auto-configuration, whose member classes Spring would process
 * in an order of its own.
 */
final class SessionStoreConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStoreConfigurations.class);
    /** Spring Boot 4's Redis auto-configuration, which the Boot 3.5 conditions below do not see. */
    static final String BOOT4_REDIS = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

    private SessionStoreConfigurations() {}

    /** Sessions in Redis, where the portal's Spring Data Redis connects. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisSessionStore.class, RedisConnectionDetails.class})
    @ConditionalOnBean(RedisConnectionDetails.class)
    @ConditionalOnProperty(name = "ivbot.session.redis", havingValue = "true", matchIfMissing = true)
    static class Redis {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SessionStore ivbotRedisSessionStore(IvbotProperties properties, RedisConnectionDetails details,
                ObjectProvider<RedisProperties> redis) {
            IvbotAutoConfiguration.checkSession(properties.getSession());
            return RedisStores.create(details, redis.getIfAvailable(), properties.getSession());
        }
    }

    /** Sessions in memory: the default. */
    @Configuration(proxyBeanMethods = false)
    static class InMemory {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SessionStore ivbotInMemorySessionStore(IvbotProperties properties) {
            if (ClassUtils.isPresent(BOOT4_REDIS, SessionStoreConfigurations.class.getClassLoader())) {
                // Boot 4 moved its Redis auto-configuration: this starter would silently keep a
                // cluster's sessions apart, one memory per node
                LOG.warn("Spring Boot 4's Redis ({}) is on the class path, but this starter wires Redis sessions on "
                        + "Spring Boot 3.5 only: ivbot keeps sessions in memory. Declare a RedisSessionStore bean "
                        + "(docs/spring-boot.md, Spring Boot 4.0)", BOOT4_REDIS);
            }
            IvbotProperties.Session s = properties.getSession();
            IvbotAutoConfiguration.checkSession(s);
            return SessionStore.inMemory(s.getTtl(), s.getMaxInMemory(), s.getMaxPerUser(), InstantSource.system());
        }
    }
}
