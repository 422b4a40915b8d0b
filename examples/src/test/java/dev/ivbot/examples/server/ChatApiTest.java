package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ivbot.benchmarks.http.KeepAliveClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The chat API over HTTP, on an ephemeral loopback port: answers, and every error status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatApiTest {
    private static final byte[] SECRET = "test-secret-test-secret-test-secret!!".getBytes(StandardCharsets.UTF_8);

    private ChatServer server;
    private BusySessionStore store;
    private TestHttp http;

    @BeforeAll
    void start() throws Exception {
        store = new BusySessionStore();
        ServerConfig config = ServerConfig.builder().port(0).rulesOnly().hmacSecret(SECRET).devLogin(true).build();
        server = ChatServer.start(config, store);
        http = new TestHttp(server.uri());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A token as a portal would mint it: HS256 with the shared secret. */
    private static String token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
    }

    private static String session() {
        return "t-" + UUID.randomUUID();
    }

    @Test
    void answersAQuestionAndItsFollowUpInOneSession() {
        String token = token("alice");
        String sid = session();
        JsonNode first = http.post("/api/chat", token, Map.of("sessionId", sid, "text", "年假有几天")).json();
        assertThat(first.get("intent").asText()).isEqualTo("leave_policy");
        assertThat(first.get("source").asText()).isEqualTo("RULES");
        assertThat(first.get("slots").get("leave_type").asText()).isEqualTo("annual");
        assertThat(first.get("language").asText()).isEqualTo("zh");
        assertThat(first.get("turn").asLong()).isEqualTo(1);
        assertThat(first.get("latencyMs").asDouble()).isPositive();
        assertThat(first.get("choices").isArray()).isTrue();
        assertThat(first.has("fallbackReason")).isTrue();
        assertThat(first.get("degraded").asBoolean()).isFalse();

        TestHttp.Response second = http.post("/api/chat", token, Map.of("sessionId", sid, "text", "那病假呢"));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode reply = second.json();
        assertThat(reply.get("intent").asText()).isEqualTo("leave_policy");
        assertThat(reply.get("source").asText()).isEqualTo("CONTEXT");
        assertThat(reply.get("slots").get("leave_type").asText()).isEqualTo("sick");
        assertThat(reply.get("text").asText()).contains("病假");
        assertThat(reply.get("turn").asLong()).isEqualTo(2);
    }

    @Test
    void opensASessionWhenTheRequestNamesNone() {
        JsonNode reply = http.post("/api/chat", token("bob"), Map.of("text", "how many days of annual leave")).json();
        assertThat(reply.get("sessionId").asText()).startsWith("s-");
        assertThat(reply.get("language").asText()).isEqualTo("en");
    }

    @Test
    void aChoiceSkipsClassification() {
        JsonNode reply = http.post("/api/chat", token("carol"),
                Map.of("sessionId", session(), "text", "Leave policy", "choice", "leave_policy")).json();
        assertThat(reply.get("source").asText()).isEqualTo("CHOICE");
        assertThat(reply.get("intent").asText()).isEqualTo("leave_policy");
    }

    @Test
    void theDevLoginMintsATokenTheApiAcceptsAndItsTrackFillsTheSlot() {
        TestHttp.Response login = http.post("/dev/login", null, Map.of("user", "dana", "track", "intern"));
        assertThat(login.status()).isEqualTo(200);
        String token = login.json().get("token").asText();
        JsonNode reply = http.post("/api/chat", token, Map.of("sessionId", session(), "text", "年假有几天")).json();
        assertThat(reply.get("slots").get("track").asText()).isEqualTo("intern");

        assertThat(http.post("/dev/login", null, Map.of("user", "bad user!")).status()).isEqualTo(400);
        assertThat(http.get("/dev/login").status()).isEqualTo(405);
    }

    // ------------------------------------------------------------------ 400

    @Test
    void malformedJsonIs400() {
        assertError(http.post("/api/chat", token("alice"), "{\"text\": \"年假"), 400, "malformed_json");
        assertError(http.post("/api/chat", token("alice"), "[1, 2]"), 400, "malformed_json");
        assertError(http.post("/api/chat", token("alice"), "{} trailing"), 400, "malformed_json");
        assertError(http.send("POST", "/api/chat", token("alice"), null), 400, "malformed_json");
    }

    @Test
    void badFieldsAre400NamingTheField() {
        String token = token("alice");
        assertThat(assertError(http.post("/api/chat", token, Map.of("sessionId", session())), 400, "invalid_input")
                .get("field").asText()).isEqualTo("text");
        assertThat(assertError(http.post("/api/chat", token, Map.of("sessionId", session(), "text", "   ")), 400,
                "invalid_input").get("field").asText()).isEqualTo("text");
        assertThat(assertError(http.post("/api/chat", token, Map.of("sessionId", session(), "text", "x".repeat(501))),
                400, "invalid_input").get("field").asText()).isEqualTo("text");
        assertThat(assertError(http.post("/api/chat", token, Map.of("sessionId", "bad id/..", "text", "年假")), 400,
                "invalid_input").get("field").asText()).isEqualTo("sessionId");
        assertThat(assertError(http.post("/api/chat", token, Map.of("sessionId", session(), "text", "hi",
                "choice", "no_such_intent")), 400, "invalid_input").get("field").asText()).isEqualTo("choice");
        assertThat(assertError(http.post("/api/chat", token, "{\"sessionId\": 42, \"text\": \"年假\"}"), 400,
                "invalid_input").get("field").asText()).isEqualTo("sessionId");
    }

    // ------------------------------------------------------------------ 401

    @Test
    void aMissingTokenIs401() {
        TestHttp.Response r = http.post("/api/chat", null, Map.of("sessionId", session(), "text", "年假有几天"));
        assertThat(assertError(r, 401, "unauthorized").get("reason").asText()).isEqualTo("MISSING");
        assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aRequestRejectedBeforeItsBodyIsReadClosesItsConnectionAndSaysSo() throws Exception {
        byte[] body = TestHttp.JSON.writeValueAsBytes(Map.of("sessionId", session(), "text", "年假有几天"));
        try (KeepAliveClient connection = new KeepAliveClient("127.0.0.1", server.uri().getPort())) {
            assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", token("alice"), body)))
                    .isEqualTo(200);
            assertThat(connection.isOpen()).as("an answered turn keeps the connection").isTrue();
            // Connection: close in the 401: the client closed its side on reading it
            assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", null, body))).isEqualTo(401);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    /**
     * Behind a load balancer one connection carries many users' requests, each with its own bearer
     * token; every one is answered as its own user and the connection stays open. Jetty's header
     * cache, which a new token on every request would keep wiping, is off (docs/benchmarks.md).
     */
    @Test
    void oneConnectionCarriesManyUsersTokensAsBehindALoadBalancer() throws Exception {
        assertThat(ChatServer.httpConfiguration().getHeaderCacheSize()).isZero();
        String sid = session();
        byte[] body = TestHttp.JSON.writeValueAsBytes(Map.of("sessionId", sid, "text", "年假有几天"));
        try (KeepAliveClient connection = new KeepAliveClient("127.0.0.1", server.uri().getPort())) {
            for (int user = 0; user < 200; user++) {
                assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", token("user-" + user), body)))
                        .as("user %d", user).isEqualTo(200);
            }
            assertThat(connection.isOpen()).isTrue();
        }
        for (int user = 0; user < 200; user += 50) {
            // sessions are per user: the same id is a session of each user's own
            JsonNode own = http.send("POST", "/api/sessions/" + sid + "/heartbeat", token("user-" + user), null).json();
            assertThat(own.get("alive").asBoolean()).as("user %d has a session of its own", user).isTrue();
        }
    }

    @Test
    void aBodyThatWasReadButIsWrongIs400AndKeepsTheConnection() throws Exception {
        byte[] good = TestHttp.JSON.writeValueAsBytes(Map.of("sessionId", session(), "text", "年假有几天"));
        byte[] noText = TestHttp.JSON.writeValueAsBytes(Map.of("sessionId", session()));
        byte[] malformed = "{\"text\": \"年假".getBytes(StandardCharsets.UTF_8);
        try (KeepAliveClient connection = new KeepAliveClient("127.0.0.1", server.uri().getPort())) {
            assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", token("alice"), noText)))
                    .isEqualTo(400);
            assertThat(connection.isOpen()).as("a 400 for a body that was read keeps the connection").isTrue();
            assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", token("alice"), malformed)))
                    .isEqualTo(400);
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.exchange(KeepAliveClient.request("POST", "/api/chat", token("alice"), good)))
                    .isEqualTo(200);
        }
    }

    @Test
    void aTokenSignedWithAnotherSecretIs401() {
        String forged = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256("another-secret-another-secret-another!!"));
        assertThat(assertError(http.post("/api/chat", forged, Map.of("sessionId", session(), "text", "年假")), 401,
                "unauthorized").get("reason").asText()).isEqualTo("BAD_SIGNATURE");
    }

    @Test
    void anUnsignedTokenIs401() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".";
        assertThat(assertError(http.post("/api/chat", none, Map.of("sessionId", session(), "text", "年假")), 401,
                "unauthorized").get("reason").asText()).isEqualTo("ALG_NONE");
    }

    @Test
    void anExpiredOrGarbledTokenIs401() {
        String expired = JWT.create().withSubject("alice").withExpiresAt(Instant.now().minusSeconds(3600))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(assertError(http.post("/api/chat", expired, Map.of("sessionId", session(), "text", "年假")), 401,
                "unauthorized").get("reason").asText()).isEqualTo("EXPIRED");
        assertThat(assertError(http.post("/api/chat", "not-a-jwt", Map.of("sessionId", session(), "text", "年假")), 401,
                "unauthorized").get("reason").asText()).isEqualTo("MALFORMED");
        assertError(http.send("POST", "/api/sessions/" + session() + "/heartbeat", null, null), 401, "unauthorized");
        assertError(http.send("DELETE", "/api/sessions/" + session(), "garbage", null), 401, "unauthorized");
    }

    // ------------------------------------------------------------------ another user's session id

    /**
     * Was "another user's session is 403": sessions are now stored per user, so another user's id
     * reaches a session of the caller's own. No one can lock an owner out by taking an id first,
     * and the answers for a taken id and a free one are the same, so ids cannot be probed.
     */
    @Test
    void anotherUsersSessionIdReachesTheCallersOwnSessionNotTheOwners() {
        String sid = session();
        assertThat(http.post("/api/chat", token("owner"), Map.of("sessionId", sid, "text", "年假有几天")).status())
                .isEqualTo(200);

        String prober = token("prober");
        JsonNode taken = http.send("POST", "/api/sessions/" + sid + "/heartbeat", prober, null).json();
        JsonNode free = http.send("POST", "/api/sessions/" + session() + "/heartbeat", prober, null).json();
        assertThat(taken.get("alive").asBoolean()).isFalse().isEqualTo(free.get("alive").asBoolean());
        TestHttp.Response end = http.send("DELETE", "/api/sessions/" + sid, prober, null);
        assertThat(end.status()).isEqualTo(200);
        assertThat(end.json().get("ended").asBoolean()).isFalse();

        String intruder = token("intruder");
        TestHttp.Response chat = http.post("/api/chat", intruder, Map.of("sessionId", sid, "text", "那病假呢"));
        assertThat(chat.status()).isEqualTo(200);
        assertThat(chat.json().get("turn").asLong()).as("the intruder's own first turn").isEqualTo(1);
        assertThat(chat.json().get("sessionId").asText()).isEqualTo(sid);
        assertThat(chat.json().get("source").asText()).as("not the owner's context").isNotEqualTo("CONTEXT");
        assertThat(http.send("POST", "/api/sessions/" + sid + "/heartbeat", intruder, null).json().get("alive")
                .asBoolean()).isTrue();
        assertThat(http.send("DELETE", "/api/sessions/" + sid, intruder, null).json().get("ended").asBoolean()).isTrue();

        // the owner's session is untouched and continues
        JsonNode next = http.post("/api/chat", token("owner"), Map.of("sessionId", sid, "text", "那病假呢")).json();
        assertThat(next.get("turn").asLong()).isEqualTo(2);
        assertThat(next.get("source").asText()).isEqualTo("CONTEXT");
    }

    // ------------------------------------------------------------------ 503

    @Test
    void aBusyStoreIs503WithTheBusyMessageInTheQuestionsLanguage() {
        String token = token("erin");
        String sid = session();
        store.busy = true;
        try {
            TestHttp.Response zh = http.post("/api/chat", token, Map.of("sessionId", sid, "text", "年假有几天"));
            assertThat(assertError(zh, 503, "busy").get("message").asText()).isEqualTo("系统繁忙，请稍后重试。");
            assertThat(zh.raw().headers().firstValue("Retry-After")).hasValue("1");
            TestHttp.Response en = http.post("/api/chat", token, Map.of("sessionId", sid, "text", "how many vacation days"));
            assertThat(assertError(en, 503, "busy").get("message").asText()).contains("busy");
            assertError(http.send("POST", "/api/sessions/" + sid + "/heartbeat", token, null), 503, "busy");
        } finally {
            store.busy = false;
        }
        assertThat(http.post("/api/chat", token, Map.of("sessionId", sid, "text", "年假有几天")).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ sessions

    @Test
    void heartbeatRenewsAndDeleteEndsASession() {
        String token = token("frank");
        String sid = session();
        assertThat(http.send("POST", "/api/sessions/" + sid + "/heartbeat", token, null).json().get("alive").asBoolean())
                .isFalse();
        http.post("/api/chat", token, Map.of("sessionId", sid, "text", "年假有几天"));
        assertThat(http.send("POST", "/api/sessions/" + sid + "/heartbeat", token, null).json().get("alive").asBoolean())
                .isTrue();
        assertThat(http.send("DELETE", "/api/sessions/" + sid, token, null).json().get("ended").asBoolean()).isTrue();
        assertThat(http.send("DELETE", "/api/sessions/" + sid, token, null).json().get("ended").asBoolean()).isFalse();
    }

    @Test
    void unknownPathsAre404AndWrongMethods405AsJson() {
        assertError(http.send("POST", "/api/nothing", token("alice"), "{}"), 404, "not_found");
        assertError(http.get("/nothing.html"), 404, "not_found");
        assertError(http.send("GET", "/api/chat", token("alice"), null), 405, "method_not_allowed");
        assertError(http.send("GET", "/api/sessions/x/heartbeat", token("alice"), null), 405, "method_not_allowed");
    }

    @Test
    void servesTheChatPage() {
        TestHttp.Response page = http.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"app.js\"");
        assertThat(page.raw().headers().firstValue("X-Ivbot-Dev-Login")).hasValue("true");
        assertThat(http.get("/app.js").body()).contains("/api/chat").contains("heartbeat");
        assertThat(http.get("/app.css").status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ health and metrics

    @Test
    void healthShowsStoreClassifierAndKb() {
        TestHttp.Response r = http.get("/health");
        assertThat(r.status()).isEqualTo(200);
        JsonNode health = r.json();
        assertThat(health.get("status").asText()).isIn("UP", "DEGRADED");
        assertThat(health.get("store").get("reachable").asBoolean()).isTrue();
        assertThat(health.get("store").get("bufferedSaves").asInt()).isZero();
        assertThat(health.get("classifier").get("primary").asText()).isEqualTo("rules");
        assertThat(health.get("kb").get("name").asText()).isEqualTo("Example Tech HR");
        assertThat(health.get("kb").get("fingerprint").asText()).isNotBlank();
    }

    @Test
    void probesForLoadBalancersKeepANodeReadyThroughAFailoverTheBufferAbsorbsOnly() {
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        try {
            store.failingOver = true;
            TestHttp.Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.json().get("store").get("inDoubtSaves").asInt()).isEqualTo(1);
            assertThat(http.get("/health/ready").status()).as("the buffer answers turns").isEqualTo(200);

            store.failingOver = false;
            store.busy = true;
            assertThat(http.get("/health").status()).isEqualTo(503);
            TestHttp.Response ready = http.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("ready").asBoolean()).isFalse();
            assertThat(http.get("/health/live").status()).as("alive: do not restart it").isEqualTo(200);
        } finally {
            store.busy = false;
            store.failingOver = false;
        }
        assertThat(http.get("/health/nope").status()).isEqualTo(404);
    }

    @Test
    void metricsCountTheTurnsBySource() throws Exception {
        // a question asked before in this class is answered from the cache
        String before = http.get("/metrics").body();
        double rulesBefore = metric(before, "ivbot_turns_total", "source=\"rules\"")
                + metric(before, "ivbot_turns_total", "source=\"cache\"");
        double contextBefore = metric(http.get("/metrics").body(), "ivbot_turns_total", "source=\"context\"");
        String token = token("grace");
        String sid = session();
        http.post("/api/chat", token, Map.of("sessionId", sid, "text", "面试有几轮"));
        http.post("/api/chat", token, Map.of("sessionId", sid, "text", "年假有几天"));
        http.post("/api/chat", token, Map.of("sessionId", sid, "text", "那病假呢"));

        TestHttp.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        String text = r.body();
        assertThat(metric(text, "ivbot_turns_total", "source=\"rules\"")
                + metric(text, "ivbot_turns_total", "source=\"cache\"") - rulesBefore).isEqualTo(2);
        assertThat(metric(text, "ivbot_turns_total", "source=\"context\"") - contextBefore).isGreaterThanOrEqualTo(1);
        assertThat(text).contains("ivbot_fallbacks_total{app=\"ivbot-examples\",reason=\"ambiguous\"}")
                .contains("ivbot_classifier_timeouts_total")
                .contains("ivbot_store_buffered_saves")
                .contains("ivbot_failure_rate")
                .contains("ivbot_failure_alarm")
                .contains("ivbot_model_info{app=\"ivbot-examples\",classifier=\"rules\"");
        // the latency timer is fed off the reply's path: await the listener thread's count in the scrape
        await("the three turns timed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> metric(http.get("/metrics").body(), "ivbot_turn_latency_seconds_count", "app="),
                        n -> n >= 3);
        String later = http.get("/metrics").body();
        assertThat(metric(later, "ivbot_turn_latency_seconds_count", "app=")).isGreaterThanOrEqualTo(3);
        assertThat(later).contains("ivbot_turn_latency_seconds{app=\"ivbot-examples\",quantile=\"0.99\"}");
    }

    /** The value of the first sample of {@code name} whose labels contain {@code label}. */
    static double metric(String text, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (m.find()) {
            if (m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + name + "{" + label + "} in:\n" + text);
    }

    static JsonNode assertError(TestHttp.Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        JsonNode json = r.json();
        assertThat(json.get("code").asText()).isEqualTo(code);
        assertThat(json.get("message").asText()).isNotBlank();
        return json;
    }
}
