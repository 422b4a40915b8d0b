package dev.ivbot.examples.server;

import dev.ivbot.DialogEngine;
import dev.ivbot.EngineHealth;
import dev.ivbot.EngineMetrics;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.StoreHealth;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: the engine's {@link DialogEngine#health()} as JSON. {@code status} UP (200),
 * DEGRADED (200: turns are answered by a weaker path or through the store's failover buffer,
 * {@code problems} says why) or DOWN (503: the store does not accept turns), with {@code ready},
 * the store (reachable, accepting, buffered and in-doubt saves), the classifier (serving version,
 * the KB fingerprint it was trained on, training in progress, last refused version), the KB in force
 * and the last refused KB reload.
 *
 * <p>For load balancers (Kubernetes probes): {@code GET /health/live} is 200 while the engine is
 * open (restart the process otherwise); {@code GET /health/ready} is 200 while
 * {@link dev.ivbot.EngineHealth#ready()} holds and 503 otherwise, so a failover absorbed by the buffer
 * keeps the node in rotation and an outage beyond it or a model that is not serving takes it out.
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
        String probe = request.getPathInfo();
        if ("/live".equals(probe)) {
            // a liveness probe asks only whether the engine is open: no store round trip
            boolean live = !engine.isClosed();
            Http.write(response, live ? 200 : 503, Map.of("live", live));
            return;
        }
        EngineHealth health = engine.health();
        if ("/ready".equals(probe)) {
            Http.write(response, health.ready() ? 200 : 503, Map.of("ready", health.ready(),
                    "status", health.status().name(), "problems", health.problems()));
            return;
        }
        if (probe != null && !probe.equals("/")) {
            Http.error(response, new ApiException(404, "not_found", "no such health probe: " + probe));
            return;
        }
        StoreHealth store = health.store();
        IntentClassifier primary = engine.primaryClassifier();
        ClassifierStatus cs = health.primary();
        EngineMetrics m = engine.metrics();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", health.status().name());
        json.put("ready", health.ready());
        json.put("problems", health.problems());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("reachable", store.reachable());
        s.put("accepting", store.accepting());
        s.put("bufferedSaves", store.bufferedSaves());
        s.put("inDoubtSaves", store.inDoubtSaves());
        s.put("oldestBufferedMs", store.oldestBuffered().toMillis());
        s.put("ttlSeconds", engine.sessionStore().ttl().toSeconds());
        s.put("description", store.description());
        json.put("store", s);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("primary", primary.name());
        c.put("source", primary.source().name());
        c.put("serving", cs.serving());
        c.put("version", cs.version());
        c.put("trainedOnKbFingerprint", cs.trainedOnFingerprint());
        c.put("training", cs.training());
        c.put("lastRefusal", cs.lastRefusal());
        c.put("primaryMissRate", health.primaryMissRate());
        c.put("setup", classifiers);
        json.put("classifier", c);
        Map<String, Object> kb = new LinkedHashMap<>();
        kb.put("name", health.knowledgeBaseName());
        kb.put("fingerprint", health.knowledgeBaseFingerprint());
        kb.put("intents", health.intents());
        EngineHealth.RefusedReload refused = health.lastRefusedReload();
        kb.put("lastRefusedReload", refused == null ? null
                : Map.of("time", refused.time().toString(), "reason", refused.reason()));
        json.put("kb", kb);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("turns", m.turns());
        t.put("failureRate", m.failureRate());
        t.put("failureAlarm", m.failureAlarmRaised());
        t.put("p50Ms", m.latencyMillis(50));
        t.put("p99Ms", m.latencyMillis(99));
        json.put("turns", t);
        Http.write(response, health.status() == EngineHealth.Status.DOWN ? 503 : 200, json);
    }
}
