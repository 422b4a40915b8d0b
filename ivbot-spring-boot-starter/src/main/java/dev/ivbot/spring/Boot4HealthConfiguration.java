package dev.ivbot.spring;

import dev.ivbot.DialogEngine;
import dev.ivbot.spring.internal.Boot4HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code ivbot} health component on Spring Boot 4, which moved the health API to {@code spring-boot-health}
 * (Boot 4's Actuator brings it); imported by {@link IvbotAutoConfiguration}, beside the Boot 3.5 one. The
 * condition names the class, so that Spring skips this on Boot 3.5 without loading it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "ivbotHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("ivbot")
    Boot4HealthIndicator ivbotHealthIndicator(DialogEngine engine) {
        return new Boot4HealthIndicator(engine);
    }
}
