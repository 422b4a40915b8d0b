package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The engine's health as Spring Boot 3.5's Actuator health component {@code ivbot} (statuses and details:
 * {@link IvbotHealthReading}). Thread-safe.
 */
public final class IvbotHealthIndicator extends AbstractHealthIndicator {
    private final DialogEngine engine;

    public IvbotHealthIndicator(DialogEngine engine) {
        super("ivbot health check failed");
        this.engine = engine;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        IvbotHealthReading reading = IvbotHealthReading.of(engine);
        builder.status(reading.status()).withDetails(reading.details());
    }
}
