package dev.ivbot.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.DialogEngine;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.PortalJwts;
import dev.ivbot.spring.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example app end to end over real HTTP: JWTs signed with an RSA key whose public half the app is
 * configured with (as a portal's would be), verified by Spring Security's resource server; sessions in a
 * real Redis that the test starts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests switch metrics export off unless asked: /actuator/prometheus is tested
class ChatApplicationHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair PORTAL_KEYS = PortalJwts.keyPair();
    private static final KeyPair OTHER_KEYS = PortalJwts.keyPair();
    private static @Nullable RedisServer redis;

    @LocalServerPort
    int port;

    @Autowired
    DialogEngine engine;

    @Autowired
    StringRedisTemplate redisTemplate;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        redis = new RedisServer();
        Path pem = PortalJwts.publicKeyPem(PORTAL_KEYS);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> pem.toUri().toString());
        registry.add("ivbot.session.redis", () -> "true");
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", () -> redis.port);
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aSignedInCandidateGetsAFollowUpAnsweredInOneSessionKeptInRedis() throws Exception {
        String token = token(PORTAL_KEYS, "candidate-42", "campus");
        HttpResponse<String> first = post("/api/chat", token, Map.of("text", "年假有几天？"));
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode reply = JSON.readTree(first.body());
        String sessionId = reply.get("sessionId").asText();
        assertThat(reply.get("slots").get("track").asText()).isEqualTo("campus");

        HttpResponse<String> next = post("/api/chat", token, Map.of("sessionId", sessionId, "text", "那病假呢"));
        assertThat(next.statusCode()).isEqualTo(200);
        JsonNode followUp = JSON.readTree(next.body());
        assertThat(followUp.get("intent").asText()).isEqualTo("leave_policy");
        assertThat(followUp.get("slots").get("leave_type").asText()).isEqualTo("sick");
        assertThat(followUp.get("turn").asInt()).isEqualTo(2);
        assertThat(followUp.fieldNames()).toIterable().contains("text", "confidence", "source", "fallbackReason",
                "choices", "degraded", "language", "latencyMs");

        assertThat(engine.sessionStore()).isInstanceOf(RedisSessionStore.class);
        assertThat(redisTemplate.hasKey(RedisSessionStore.keyOf(DialogEngine.storeSessionId("candidate-42", sessionId))))
                .isTrue();

        HttpResponse<String> heartbeat = post("/api/sessions/" + sessionId + "/heartbeat", token, Map.of());
        assertThat(JSON.readTree(heartbeat.body()).get("alive").asBoolean()).isTrue();
        HttpResponse<String> end = send(HttpRequest.newBuilder(uri("/api/sessions/" + sessionId)).DELETE()
                .header("Authorization", "Bearer " + token).build());
        assertThat(JSON.readTree(end.body()).get("ended").asBoolean()).isTrue();
    }

    @Test
    void theUserIsTheTokensSubjectNeverTheBodys() throws Exception {
        String alice = token(PORTAL_KEYS, "alice", null);
        JsonNode opened = JSON.readTree(post("/api/chat", alice, Map.of("text", "年假有几天？")).body());
        String sessionId = opened.get("sessionId").asText();

        // bob's valid token with alice's session id, whatever user id his body claims, reaches a session of
        // his own (sessions are keyed by user): a first turn that knows nothing of alice's topic
        String bob = token(PORTAL_KEYS, "bob", null);
        HttpResponse<String> other = post("/api/chat", bob, Map.of("sessionId", sessionId, "text", "那病假呢",
                "userId", "alice"));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).get("turn").asInt()).isEqualTo(1);
        assertThat(engine.session("alice", sessionId)).hasValueSatisfying(s -> assertThat(s.turns()).isEqualTo(1));
        assertThat(engine.session("bob", sessionId)).isPresent();
    }

    @Test
    void missingForgedExpiredAndTamperedTokensAreRefusedWithJson() throws Exception {
        HttpResponse<String> none = post("/api/chat", null, Map.of("text", "年假有几天？"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).get("code").asText()).isEqualTo("unauthorized");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        assertThat(post("/api/chat", token(OTHER_KEYS, "mallory", null), Map.of("text", "hi")).statusCode()).isEqualTo(401);
        String expired = JWT.create().withSubject("candidate-42").withExpiresAt(Instant.now().minusSeconds(3600))
                .sign(Algorithm.RSA256((RSAPublicKey) PORTAL_KEYS.getPublic(), (RSAPrivateKey) PORTAL_KEYS.getPrivate()));
        assertThat(post("/api/chat", expired, Map.of("text", "hi")).statusCode()).isEqualTo(401);
        String valid = token(PORTAL_KEYS, "candidate-42", null);
        String[] parts = valid.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"exp\":9999999999}".getBytes()) + "." + parts[2];
        assertThat(post("/api/chat", tampered, Map.of("text", "hi")).statusCode()).isEqualTo(401);
        String none256 = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                + parts[1] + ".";
        assertThat(post("/api/chat", none256, Map.of("text", "hi")).statusCode()).isEqualTo(401);
    }

    @Test
    void badInputGetsTheApisJsonErrors() throws Exception {
        String token = token(PORTAL_KEYS, "candidate-42", null);
        HttpResponse<String> noText = post("/api/chat", token, Map.of("sessionId", "s-1"));
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noText.body()).get("field").asText()).isEqualTo("text");
        HttpResponse<String> malformed = send(HttpRequest.newBuilder(uri("/api/chat"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("code").asText()).isEqualTo("malformed_json");
        HttpResponse<String> badSession = post("/api/chat", token, Map.of("sessionId", "bad id!", "text", "hi"));
        assertThat(badSession.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badSession.body()).get("code").asText()).isEqualTo("invalid_input");
    }

    @Test
    void thePageHealthAndMetricsAreServed() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/")).GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("app.js");
        assertThat(page.headers().firstValue("X-Ivbot-Dev-Login")).isEmpty();

        JsonNode health = JSON.readTree(send(HttpRequest.newBuilder(uri("/actuator/health")).GET().build()).body());
        assertThat(health.get("components").get("ivbot").get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").get("ivbot").get("details").get("store").get("description").asText())
                .containsIgnoringCase("redis");
        JsonNode info = JSON.readTree(send(HttpRequest.newBuilder(uri("/actuator/info")).GET().build()).body());
        assertThat(info.get("ivbot").get("kb").get("fingerprint").asText()).isEqualTo(engine.knowledgeBase().fingerprint());

        post("/api/chat", token(PORTAL_KEYS, "candidate-7", null), Map.of("text", "年假有几天？"));
        String prometheus = send(HttpRequest.newBuilder(uri("/actuator/prometheus")).GET().build()).body();
        assertThat(prometheus).contains("ivbot_turns_total").contains("ivbot_store_reachable");
    }

    // ------------------------------------------------------------------ helpers

    static String token(KeyPair keys, String user, @Nullable String track) {
        return PortalJwts.token(keys, user, track == null ? Map.of() : Map.of("track", track));
    }

    private HttpResponse<String> post(String path, @Nullable String token, Map<String, Object> body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
