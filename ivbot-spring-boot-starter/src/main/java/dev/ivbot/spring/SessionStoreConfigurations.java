package dev.ivbot.spring;

import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.internal.Boot4RedisTargets;
import dev.ivbot.spring.internal.RedisStores;
import java.time.InstantSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The session store choices, imported by {@link IvbotAutoConfiguration} in this order: Redis when it is
 * there (Spring Boot 3.5's or Spring Boot 4's), else memory. Not nested in the auto-configuration, whose
 * member classes Spring would process in an order of its own. Each Redis choice names its Boot version's
 * classes in its conditions, which Spring reads without loading the class, so that the other version's
 * absence costs nothing.
 */
final class SessionStoreConfigurations {
    /** Spring Boot 4's Redis connection details ({@code spring-boot-data-redis}). */
    static final String BOOT4_REDIS_DETAILS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

    private SessionStoreConfigurations() {}

    /** Sessions in Redis, where the portal's Spring Data Redis connects (Spring Boot 3.5). */
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

    /** Sessions in Redis, where the portal's Spring Data Redis connects (Spring Boot 4). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(value = RedisSessionStore.class, name = BOOT4_REDIS_DETAILS)
    @ConditionalOnBean(type = BOOT4_REDIS_DETAILS)
    @ConditionalOnProperty(name = "ivbot.session.redis", havingValue = "true", matchIfMissing = true)
    static class Boot4Redis {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SessionStore ivbotRedisSessionStore(IvbotProperties properties, DataRedisConnectionDetails details,
                ObjectProvider<DataRedisProperties> redis) {
            IvbotAutoConfiguration.checkSession(properties.getSession());
            return RedisStores.create(Boot4RedisTargets.of(details, redis.getIfAvailable()), properties.getSession());
        }
    }

    /** Sessions in memory: the default. */
    @Configuration(proxyBeanMethods = false)
    static class InMemory {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SessionStore ivbotInMemorySessionStore(IvbotProperties properties) {
            IvbotProperties.Session s = properties.getSession();
            IvbotAutoConfiguration.checkSession(s);
            return SessionStore.inMemory(s.getTtl(), s.getMaxInMemory(), s.getMaxPerUser(), InstantSource.system());
        }
    }
}
