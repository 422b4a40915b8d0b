package dev.ivbot.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ivbot.review.NewIntent;
import dev.ivbot.review.ReviewCluster;
import dev.ivbot.review.ReviewException;
import dev.ivbot.review.ReviewService;
import dev.ivbot.security.TokenRejectedException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review API under {@code /api/review}, for operators only ({@link OperatorAuth}); any other token
 * gets 403 on every endpoint, before anything is read or mined.
 *
 * <ul>
 *   <li>{@code GET /api/review/clusters}: mines the queue; {@code {"queued", "clusters": [...]}}</li>
 *   <li>{@code POST /api/review/clusters/{id}/add} {@code {"intent"}}: the questions become examples of the intent</li>
 *   <li>{@code POST /api/review/clusters/{id}/new} {@code {"id", "titleZh", "titleEn", "answerZh", "answerEn"}}</li>
 *   <li>{@code POST /api/review/clusters/{id}/dismiss}</li>
 * </ul>
 * An accepted action edits the KB's YAML; the KB watcher reloads it and the model lifecycle retrains,
 * gates and swaps in the background. 503 {@code unavailable} when the server has no model to
 * cluster with or no KB folder to write.
 */
final class ReviewServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReviewServlet.class);
    private static final Pattern ACTION = Pattern.compile("/clusters/([0-9a-f]{1,64})/(add|new|dismiss)");

    private final transient OperatorAuth auth;
    private final transient JsonBodyReader bodies;
    private final transient @Nullable ReviewService review;

    ReviewServlet(OperatorAuth auth, JsonBodyReader bodies, @Nullable ReviewService review) {
        this.auth = auth;
        this.bodies = bodies;
        this.review = review;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        try {
            String operator = auth.operator(request, "the review");
            if (path.equals("/clusters")) {
                Http.requireMethod(request, "GET", response);
                ReviewService service = available();
                List<Map<String, Object>> clusters = new ArrayList<>();
                for (ReviewCluster c : service.clusters()) {
                    clusters.add(toJson(c));
                }
                Http.write(response, 200, Map.of("clusters", clusters));
                return;
            }
            Matcher m = ACTION.matcher(path);
            if (!m.matches()) {
                throw ApiException.notFound("no review API at " + request.getRequestURI());
            }
            Http.requireMethod(request, "POST", response);
            ReviewService service = available();
            String cluster = m.group(1);
            String action = m.group(2);
            if (action.equals("dismiss")) {
                Http.write(response, 200, toJson(service.dismiss(cluster, operator)));
                return;
            }
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            Http.replyWhenDone(async, bodies.read(async).thenApply(body -> toJson(action.equals("add")
                    ? service.addExamples(cluster, required(body, "intent"), operator)
                    : service.createIntent(cluster, new NewIntent(required(body, "id"), required(body, "titleZh"),
                            required(body, "titleEn"), required(body, "answerZh"), required(body, "answerEn")), operator))),
                    response, cause -> fail(cause, response));
        } catch (RuntimeException e) {
            Http.closeIfBodyUnread(request, response);
            fail(e, response);
        }
    }

    private ReviewService available() {
        if (review == null) {
            throw new ApiException(503, "unavailable",
                    "the review needs a model to cluster with and a KB folder to write (IVBOT_KB, a model repository)");
        }
        return review;
    }

    private static String required(JsonNode body, String field) {
        String v = Http.text(body, field);
        if (v == null || v.isBlank()) {
            throw new ApiException(400, "invalid_input", field + ": is missing", Map.of("field", field), null);
        }
        return v;
    }

    private static void fail(Throwable error, HttpServletResponse response) throws IOException {
        if (error instanceof ApiException e) {
            Http.error(response, e);
        } else if (error instanceof TokenRejectedException e) {
            Http.unauthorized(response, e);
        } else if (error instanceof ReviewException | error instanceof IllegalArgumentException) {
            Http.error(response, new ApiException(409, "not_done", error.getMessage()));
        } else {
            LOG.error("review request failed", error);
            Http.error(response, new ApiException(500, "internal", "internal error"));
        }
    }

    static Map<String, Object> toJson(ReviewCluster c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id());
        json.put("language", c.language().code());
        json.put("size", c.size());
        json.put("representatives", c.representatives());
        json.put("questions", c.questions());
        json.put("suggestion", c.suggestion() == ReviewCluster.Suggestion.ADD_TO_INTENT ? "add" : "new");
        json.put("nearestIntent", c.nearestIntent());
        json.put("nearestScore", Math.round(c.nearestScore() * 1000) / 1000.0);
        return json;
    }

    static Map<String, Object> toJson(ReviewService.Action a) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", a.action());
        json.put("cluster", a.clusterId());
        json.put("intent", a.intent());
        json.put("examplesAdded", a.examplesAdded());
        json.put("file", a.file() == null ? null : a.file().getFileName().toString());
        json.put("by", a.actor());
        json.put("time", a.time().toString());
        return json;
    }
}
