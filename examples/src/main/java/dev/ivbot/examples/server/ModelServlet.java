package dev.ivbot.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ivbot.onnx.ModelEvent;
import dev.ivbot.onnx.ModelLoadException;
import dev.ivbot.onnx.ModelMetrics;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.onnx.VersionMetrics;
import dev.ivbot.security.TokenRejectedException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model API under {@code /api/model}, for operators only ({@link OperatorAuth}): the serving
 * version, the canary and each version's figures, and the operator's rollout decisions.
 *
 * <ul>
 *   <li>{@code GET /api/model}: {@code {"serving", "canary", "canaryShare", "versions": {v: {...}}}}</li>
 *   <li>{@code POST /api/model/canary} {@code {"version", "share"}}: serves the version to that share of users</li>
 *   <li>{@code POST /api/model/promote}: the running canary serves every user</li>
 *   <li>{@code POST /api/model/rollback}: ends the canary, or goes back to the previous version</li>
 * </ul>
 * A decision answers the {@link ModelEvent} (type, version, previous version, reason) and is logged
 * with the operator's user id. 409 {@code not_done} when the decision does not apply (no canary to
 * promote, an unknown version); 503 {@code unavailable} when the server serves no model.
 *
 * <p>Thread-safe: the classifier serialises the decisions.
 */
final class ModelServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelServlet.class);

    private final transient OperatorAuth auth;
    private final transient JsonBodyReader bodies;
    private final transient @Nullable OnnxIntentClassifier model;

    ModelServlet(OperatorAuth auth, JsonBodyReader bodies, @Nullable OnnxIntentClassifier model) {
        this.auth = auth;
        this.bodies = bodies;
        this.model = model;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        try {
            String operator = auth.operator(request, "the model API");
            switch (path) {
                case "", "/" -> {
                    Http.requireMethod(request, "GET", response);
                    Http.write(response, 200, status(available().metrics()));
                }
                case "/promote" -> {
                    Http.requireMethod(request, "POST", response);
                    Http.write(response, 200, decided(available().promote(), operator));
                }
                case "/rollback" -> {
                    Http.requireMethod(request, "POST", response);
                    Http.write(response, 200, decided(available().rollback(), operator));
                }
                case "/canary" -> {
                    Http.requireMethod(request, "POST", response);
                    OnnxIntentClassifier classifier = available();
                    AsyncContext async = request.startAsync();
                    async.setTimeout(0);
                    // the canary loads, warms up and gates the version: seconds, off Jetty's threads
                    Http.replyWhenDone(async, bodies.read(async).thenApply(body -> decided(
                            classifier.startCanary(version(body), share(body)), operator)), response,
                            cause -> fail(cause, response));
                }
                default -> throw ApiException.notFound("no model API at " + request.getRequestURI());
            }
        } catch (RuntimeException e) {
            fail(e, response);
        }
    }

    private OnnxIntentClassifier available() {
        if (model == null) {
            throw new ApiException(503, "unavailable", "the server serves no model (rules only)");
        }
        return model;
    }

    private static String version(JsonNode body) {
        String v = Http.text(body, "version");
        if (v == null || v.isBlank()) {
            throw new ApiException(400, "invalid_input", "version: is missing", Map.of("field", "version"), null);
        }
        return v;
    }

    private static double share(JsonNode body) {
        JsonNode v = body.get("share");
        if (v == null || !v.isNumber() || !(v.doubleValue() > 0 && v.doubleValue() < 1)) {
            throw new ApiException(400, "invalid_input", "share: must be a number in (0, 1)", Map.of("field", "share"),
                    null);
        }
        return v.doubleValue();
    }

    private static Map<String, Object> decided(ModelEvent e, String operator) {
        LOG.info("model {}: {} of version {} (previous {}) by operator {}: {}", e.model(), e.type(), e.version(),
                e.previousVersion(), operator, e.reason());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", e.type().name());
        json.put("version", e.version());
        json.put("previousVersion", e.previousVersion());
        json.put("reason", e.reason());
        json.put("by", operator);
        json.put("time", e.at().toString());
        return json;
    }

    static Map<String, Object> status(ModelMetrics m) {
        Map<String, Object> versions = new LinkedHashMap<>();
        for (VersionMetrics v : m.byVersion().values()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("turns", v.turns());
            json.put("fallbackRate", v.fallbackRate());
            json.put("lowConfidenceRate", v.lowConfidenceRate());
            json.put("degradedRate", v.degradedRate());
            json.put("meanLatencyMs", v.meanLatencyMillis());
            versions.put(v.version(), json);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("serving", m.servingVersion());
        json.put("canary", m.canaryVersion());
        json.put("canaryShare", m.canaryShare());
        json.put("rolledBack", m.rolledBack());
        json.put("versions", versions);
        return json;
    }

    private static void fail(Throwable error, HttpServletResponse response) throws IOException {
        if (error instanceof ApiException e) {
            Http.error(response, e);
        } else if (error instanceof TokenRejectedException e) {
            Http.unauthorized(response, e);
        } else if (error instanceof IllegalStateException || error instanceof IllegalArgumentException
                || error instanceof ModelLoadException) {
            Http.error(response, new ApiException(409, "not_done", error.getMessage()));
        } else {
            LOG.error("model request failed", error);
            Http.error(response, new ApiException(500, "internal", "internal error"));
        }
    }
}
