package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import dev.ivbot.EngineHealth;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.StoreHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The engine's {@link DialogEngine#health()} as an Actuator health component ({@code ivbot}): UP when it
 * is UP, UP with {@code degraded=true} and the problems while turns are answered by a weaker path or
 * through the store's failover buffer, OUT_OF_SERVICE while it is not ready (the model is not serving),
 * DOWN while the store accepts no turns. Details: the store, the classifier and the KB. Thread-safe.
 */
public final class IvbotHealthIndicator extends AbstractHealthIndicator {
    private final DialogEngine engine;

    public IvbotHealthIndicator(DialogEngine engine) {
        super("ivbot health check failed");
        this.engine = engine;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (engine.isClosed()) {
            builder.down().withDetail("closed", true);
            return;
        }
        EngineHealth health = engine.health();
        Status status = switch (health.status()) {
            case DOWN -> Status.DOWN;
            case UP, DEGRADED -> health.ready() ? Status.UP : Status.OUT_OF_SERVICE;
        };
        builder.status(status)
                .withDetail("degraded", health.status() == EngineHealth.Status.DEGRADED)
                .withDetail("ready", health.ready())
                .withDetail("problems", health.problems());
        StoreHealth store = health.store();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("reachable", store.reachable());
        s.put("accepting", store.accepting());
        s.put("bufferedSaves", store.bufferedSaves());
        s.put("inDoubtSaves", store.inDoubtSaves());
        s.put("description", store.description());
        builder.withDetail("store", s);
        ClassifierStatus cs = health.primary();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("primary", engine.primaryClassifier().name());
        c.put("serving", cs.serving());
        c.put("version", cs.version());
        c.put("training", cs.training());
        if (cs.trainedOnFingerprint() != null) {
            c.put("trainedOnKbFingerprint", cs.trainedOnFingerprint());
        }
        if (cs.lastRefusal() != null) {
            c.put("lastRefusal", cs.lastRefusal());
        }
        builder.withDetail("classifier", c);
        builder.withDetail("kb", Map.of("name", health.knowledgeBaseName(),
                "fingerprint", health.knowledgeBaseFingerprint(), "intents", health.intents()));
    }
}
