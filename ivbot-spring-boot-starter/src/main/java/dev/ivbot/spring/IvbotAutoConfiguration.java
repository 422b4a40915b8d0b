package dev.ivbot.spring;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.micrometer.DialogEngineMetrics;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.TurnListener;
import dev.ivbot.spring.internal.ChatController;
import dev.ivbot.spring.internal.ClassifierSetup;
import dev.ivbot.spring.internal.IvbotHealthIndicator;
import dev.ivbot.spring.internal.IvbotInfoContributor;
import dev.ivbot.spring.internal.KnowledgeBaseLocation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Builds one {@link DialogEngine} from {@link IvbotProperties}: the KB ({@code ivbot.knowledge-base}), the
 * classifiers ({@code ivbot.classifier.*}), the session store (Redis over {@code spring.data.redis.*}
 * when Spring Data Redis and {@code ivbot-redis} are present, else in memory) and the failure alarm.
 * Every bean is {@code @ConditionalOnMissingBean}, so a portal replaces any part by declaring its own;
 * {@link DialogEngineCustomizer} beans and {@link TurnListener} beans are applied to the builder. With a
 * {@link MeterRegistry} the ivbot meters are bound to it; with Actuator there are an {@code ivbot} health
 * component and info; with {@code ivbot.web.enabled=true} the chat API is served. The same jar serves Spring
 * Boot 3.5 and Spring Boot 4: where Boot 4 moved a part (Redis, health), a configuration of its own names
 * Boot 4's classes.
 *
 * <p>Shutdown: Spring destroys the engine before the store and the classifiers it uses, and after a
 * graceful web server shutdown ({@code server.shutdown=graceful}) has let the requests in flight finish.
 *
 * <p>Spring calls it once at startup; the beans it makes are thread-safe.
 */
// by name: Spring Boot 3.5 and Spring Boot 4 keep Redis and Micrometer's registries in different places, and
// only one of each pair is on a portal's class path
@AutoConfiguration(afterName = {"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(IvbotProperties.class)
@Import({SessionStoreConfigurations.Redis.class, SessionStoreConfigurations.Boot4Redis.class,
        SessionStoreConfigurations.InMemory.class, IvbotAutoConfiguration.MetricsConfiguration.class,
        IvbotAutoConfiguration.HealthConfiguration.class, Boot4HealthConfiguration.class,
        IvbotAutoConfiguration.InfoConfiguration.class, IvbotAutoConfiguration.WebConfiguration.class,
        IvbotAutoConfiguration.WebWithoutSecurityConfiguration.class})
public class IvbotAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(IvbotAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    public KnowledgeBase ivbotKnowledgeBase(IvbotProperties properties, ApplicationContext context) {
        return KnowledgeBaseLocation.load(properties.getKnowledgeBase(), context.getClassLoader() != null
                ? context.getClassLoader() : IvbotAutoConfiguration.class.getClassLoader());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ClassifierSetup ivbotClassifiers(IvbotProperties properties, KnowledgeBase kb, ApplicationContext context) {
        ClassifierSetup setup = ClassifierSetup.create(properties.getClassifier(), kb, context.getClassLoader() != null
                ? context.getClassLoader() : IvbotAutoConfiguration.class.getClassLoader());
        LOG.info("ivbot: KB {} ({} intents), classifier {}", kb.name(), kb.intents().size(), setup.description());
        return setup;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DialogEngine ivbotDialogEngine(IvbotProperties properties, KnowledgeBase kb, SessionStore store,
            ClassifierSetup classifiers, ObjectProvider<TurnListener> listeners,
            ObjectProvider<DialogEngineCustomizer> customizers, ObjectProvider<EngineMeters> meters) {
        IvbotProperties.Classifier c = properties.getClassifier();
        IvbotProperties.FailureAlarm alarm = properties.getFailureAlarm();
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(kb).sessionStore(store);
        check("ivbot.classifier.deadline", c.getDeadline(), () -> builder.classifierDeadline(c.getDeadline()));
        check("ivbot.classifier.cache-size", c.getCacheSize(), () -> builder.classificationCacheSize(c.getCacheSize()));
        check("ivbot.classifier.context-reading", c.getContextReading(), () -> builder.contextReading(c.getContextReading()));
        // each property checked on its own (beside the other's default) so that the error names the right one;
        // the alarm is then set once: a builder setter may be called only once
        check("ivbot.failure-alarm.threshold", alarm.getThreshold(), () -> DialogEngine.builder().failureAlarm(
                alarm.getThreshold(), DialogEngine.DEFAULT_FAILURE_WINDOW, IvbotAutoConfiguration::logAlarm));
        check("ivbot.failure-alarm.window", alarm.getWindow(), () -> DialogEngine.builder().failureAlarm(
                DialogEngine.DEFAULT_FAILURE_ALARM_THRESHOLD, alarm.getWindow(), IvbotAutoConfiguration::logAlarm));
        builder.failureAlarm(alarm.getThreshold(), alarm.getWindow(), IvbotAutoConfiguration::logAlarm);
        classifiers.applyTo(builder);
        listeners.orderedStream().forEach(builder::listener);
        EngineMeters m = meters.getIfAvailable();
        if (m != null) {
            builder.listener(m.metrics);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        DialogEngine engine = builder.build();
        if (m != null) {
            m.metrics.monitor(engine).modelVersion(classifiers::modelVersion);
        }
        return engine;
    }

    private static void logAlarm(boolean raised, double rate, long turns) {
        if (raised) {
            LOG.warn("ivbot failure-rate alarm RAISED: {} of {} turns failed", String.format("%.1f%%", rate * 100), turns);
        } else {
            LOG.info("ivbot failure-rate alarm cleared: {} of {} turns failed", String.format("%.1f%%", rate * 100), turns);
        }
    }

    /** Runs a builder setter and turns its argument check into an {@link InvalidPropertyException}. */
    static void check(String property, Object value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property, value, String.valueOf(e.getMessage()),
                    "see the property's description in docs/spring-boot.md");
        }
    }

    static void checkSession(IvbotProperties.Session session) {
        Duration ttl = session.getTtl();
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidPropertyException("ivbot.session.ttl", ttl, "the session TTL must be positive",
                    "set ivbot.session.ttl to a positive duration such as 600s or 10m");
        }
        if (session.getMaxPerUser() < 1) {
            throw new InvalidPropertyException("ivbot.session.max-per-user", session.getMaxPerUser(),
                    "must be at least 1", "set ivbot.session.max-per-user to a positive number");
        }
        if (session.getMaxInMemory() < 1) {
            throw new InvalidPropertyException("ivbot.session.max-in-memory", session.getMaxInMemory(),
                    "must be at least 1", "set ivbot.session.max-in-memory to a positive number");
        }
    }

    /** The listener that times turns; bound to the registries by {@link MetricsConfiguration#ivbotMeterBinder}. Thread-safe. */
    public static final class EngineMeters {
        final DialogEngineMetrics metrics = DialogEngineMetrics.create();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({DialogEngineMetrics.class, MeterRegistry.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        EngineMeters ivbotEngineMeters() {
            return new EngineMeters();
        }

        /** Boot binds every MeterBinder bean to its registries; the engine is looked up then, not earlier. */
        @Bean
        MeterBinder ivbotMeterBinder(EngineMeters meters, ObjectProvider<DialogEngine> engine) {
            return registry -> {
                engine.getObject();
                meters.metrics.bindTo(registry);
            };
        }
    }

    /** Spring Boot 3.5's Actuator health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "ivbotHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("ivbot")
        HealthIndicator ivbotHealthIndicator(DialogEngine engine) {
            return new IvbotHealthIndicator(engine);
        }
    }

    /** Actuator's info, the same API in Spring Boot 3.5 and 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(InfoContributor.class)
    static class InfoConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "ivbotInfoContributor")
        @ConditionalOnEnabledInfoContributor("ivbot")
        InfoContributor ivbotInfoContributor(DialogEngine engine, ClassifierSetup classifiers) {
            return new IvbotInfoContributor(engine, classifiers);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = {"org.springframework.web.servlet.DispatcherServlet",
            "org.springframework.security.core.context.SecurityContextHolder"})
    @ConditionalOnProperty(name = "ivbot.web.enabled", havingValue = "true")
    static class WebConfiguration {
        @Bean
        @ConditionalOnMissingBean
        ChatController ivbotChatController(DialogEngine engine, IvbotProperties properties) {
            return new ChatController(engine, properties.getWeb().getClaimToSlot());
        }
    }

    /** The chat API takes the user from Spring Security only; without it, refuse to start rather than trust the body. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnMissingClass("org.springframework.security.core.context.SecurityContextHolder")
    @ConditionalOnProperty(name = "ivbot.web.enabled", havingValue = "true")
    static class WebWithoutSecurityConfiguration {
        WebWithoutSecurityConfiguration() {
            throw new InvalidPropertyException("ivbot.web.enabled", "true",
                    "the chat API takes the user from Spring Security, which is not on the classpath",
                    "add spring-boot-starter-security (for JWTs spring-boot-starter-oauth2-resource-server), or set ivbot.web.enabled=false");
        }
    }
}
