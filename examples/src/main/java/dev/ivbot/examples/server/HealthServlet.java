package dev.ivbot.examples.server;

import dev.ivbot.DialogEngine;
import dev.ivbot.EngineMetrics;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.StoreHealth;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: {@code status} UP (200), or DEGRADED (200, failure alarm raised) or DOWN
 * (503, session store unreachable), with the store, the classifier and the KB in force.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient DialogEngine engine;
    private final String classifiers;

    HealthServlet(DialogEngine engine, String classifiers) {
        this.engine = engine;
        this.classifiers = classifiers;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StoreHealth store = engine.sessionStore().health();
        IntentClassifier primary = engine.primaryClassifier();
        KnowledgeBase kb = engine.knowledgeBase();
        EngineMetrics m = engine.metrics();
        String status = !store.reachable() ? "DOWN" : m.failureAlarmRaised() ? "DEGRADED" : "UP";

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("reachable", store.reachable());
        s.put("bufferedSaves", store.bufferedSaves());
        s.put("oldestBufferedMs", store.oldestBuffered().toMillis());
        s.put("ttlSeconds", engine.sessionStore().ttl().toSeconds());
        s.put("description", store.description());
        json.put("store", s);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("primary", primary.name());
        c.put("source", primary.source().name());
        c.put("version", primary.version());
        c.put("setup", classifiers);
        json.put("classifier", c);
        json.put("kb", Map.of("name", kb.name(), "fingerprint", kb.fingerprint(), "intents", kb.intents().size()));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("turns", m.turns());
        t.put("failureRate", m.failureRate());
        t.put("failureAlarm", m.failureAlarmRaised());
        t.put("p50Ms", m.latencyMillis(50));
        t.put("p99Ms", m.latencyMillis(99));
        json.put("turns", t);
        Http.write(response, store.reachable() ? 200 : 503, json);
    }
}
