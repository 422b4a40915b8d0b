package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The engine's health as Spring Boot 4's health component {@code ivbot} (Boot 4 moved the health API to
 * {@code spring-boot-health}; statuses and details: {@link IvbotHealthReading}). Thread-safe.
 */
public final class Boot4HealthIndicator extends AbstractHealthIndicator {
    private final DialogEngine engine;

    public Boot4HealthIndicator(DialogEngine engine) {
        super("ivbot health check failed");
        this.engine = engine;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        IvbotHealthReading reading = IvbotHealthReading.of(engine);
        builder.status(reading.status()).withDetails(reading.details());
    }
}
