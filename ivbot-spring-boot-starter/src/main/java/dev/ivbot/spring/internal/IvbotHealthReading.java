package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import dev.ivbot.EngineHealth;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.StoreHealth;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's {@link DialogEngine#health()} as an Actuator status code and details, read the same way for
 * Spring Boot 3.5's health API ({@link IvbotHealthIndicator}) and Spring Boot 4's ({@link Boot4HealthIndicator}):
 * UP when the engine is UP, UP with {@code degraded=true} and the problems while turns are answered by a
 * weaker path or through the store's failover buffer, OUT_OF_SERVICE while it is not ready (the model is not
 * serving), DOWN while the store accepts no turns or the engine is closed. Details: the store, the classifier
 * and the KB. Immutable, thread-safe.
 */
public record IvbotHealthReading(String status, Map<String, Object> details) {
    static final String UP = "UP";
    static final String DOWN = "DOWN";
    static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

    public IvbotHealthReading {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static IvbotHealthReading of(DialogEngine engine) {
        if (engine.isClosed()) {
            return new IvbotHealthReading(DOWN, Map.of("closed", true));
        }
        EngineHealth health = engine.health();
        String status = switch (health.status()) {
            case DOWN -> DOWN;
            case UP, DEGRADED -> health.ready() ? UP : OUT_OF_SERVICE;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("degraded", health.status() == EngineHealth.Status.DEGRADED);
        details.put("ready", health.ready());
        details.put("problems", health.problems());
        StoreHealth store = health.store();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("reachable", store.reachable());
        s.put("accepting", store.accepting());
        s.put("bufferedSaves", store.bufferedSaves());
        s.put("inDoubtSaves", store.inDoubtSaves());
        s.put("description", store.description());
        details.put("store", s);
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
        details.put("classifier", c);
        details.put("kb", Map.of("name", health.knowledgeBaseName(),
                "fingerprint", health.knowledgeBaseFingerprint(), "intents", health.intents()));
        return new IvbotHealthReading(status, details);
    }
}
