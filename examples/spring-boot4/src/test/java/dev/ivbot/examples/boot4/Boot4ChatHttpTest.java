package dev.ivbot.examples.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.PortalJwts;
import dev.ivbot.spring.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot 4 portal with the starter, over real HTTP: Spring MVC, a JWT resource server verifying RS256
 * tokens, sessions in a real {@code redis-server} over {@code spring.data.redis.*}, and Actuator's health, info
 * and metrics endpoints showing ivbot.
 */
@SpringBootTest(classes = Boot4ChatHttpTest.Portal.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"ivbot.knowledge-base=../hr-demo-kb", "ivbot.classifier.mode=rules", "ivbot.web.enabled=true",
                "management.endpoints.web.exposure.include=health,info,metrics",
                "management.endpoint.health.show-details=always"})
class Boot4ChatHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair PORTAL_KEYS = PortalJwts.keyPair();
    private static @Nullable RedisServer redis;

    /** The portal: Boot's auto-configuration and nothing else (Boot's default security for a resource server). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Portal {}

    @LocalServerPort
    int port;

    @Autowired
    SessionStore sessionStore;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        redis = new RedisServer();
        Path pem = PortalJwts.publicKeyPem(PORTAL_KEYS);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> pem.toUri().toString());
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
    void aCandidatesFollowUpIsAnsweredInASessionKeptInRedis() throws Exception {
        String token = token("candidate-7");
        HttpResponse<String> first = post("/api/chat", token, Map.of("text", "年假有几天？"));
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode reply = JSON.readTree(first.body());
        assertThat(reply.get("intent").asText()).isEqualTo("leave_policy");
        String sessionId = reply.get("sessionId").asText();

        JsonNode followUp = JSON.readTree(post("/api/chat", token, Map.of("sessionId", sessionId, "text", "那病假呢")).body());
        assertThat(followUp.get("intent").asText()).isEqualTo("leave_policy");
        assertThat(followUp.get("slots").get("leave_type").asText()).isEqualTo("sick");
        assertThat(followUp.get("turn").asInt()).isEqualTo(2);
        assertThat(sessionStore).isInstanceOf(RedisSessionStore.class);
    }

    @Test
    void aRequestWithoutAValidTokenIsRefused() throws Exception {
        assertThat(post("/api/chat", null, Map.of("text", "年假有几天？")).statusCode()).isEqualTo(401);
        String forged = PortalJwts.token(PortalJwts.keyPair(), "candidate-7", Map.of());
        assertThat(post("/api/chat", forged, Map.of("text", "年假有几天？")).statusCode()).isEqualTo(401);
    }

    @Test
    void actuatorShowsIvbotsHealthInfoAndMeters() throws Exception {
        String token = token("operator-1");
        post("/api/chat", token, Map.of("text", "年假有几天？"));

        JsonNode health = JSON.readTree(get("/actuator/health", token).body());
        JsonNode ivbot = health.get("components").get("ivbot");
        assertThat(ivbot.get("status").asText()).isEqualTo("UP");
        assertThat(ivbot.get("details").get("store").get("description").asText()).containsIgnoringCase("redis");

        JsonNode info = JSON.readTree(get("/actuator/info", token).body());
        assertThat(info.get("ivbot").get("kb").get("intents").asInt()).isEqualTo(32);

        HttpResponse<String> turns = get("/actuator/metrics/ivbot.turns", token);
        assertThat(turns.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(turns.body()).get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1);
    }

    private HttpResponse<String> post(String path, @Nullable String token, Map<String, String> body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String user) {
        return PortalJwts.token(PORTAL_KEYS, user, Map.of());
    }
}
