package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ivbot.testkit.KbFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's model API on a running server with the real model: candidates are refused; an
 * operator rolls a freshly loaded version back, serves it to half of the users as a canary, sees
 * each version's turns counted, and promotes it.
 */
class ModelApiTest {
    private static final byte[] SECRET = "test-secret-test-secret-test-secret!!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void anOperatorRollsAVersionOutByUserAndCandidatesAreForbidden() throws Exception {
        Path models = dir.resolve("models");
        ServerConfig config = ServerConfig.builder().port(0).modelRepository(models).hmacSecret(SECRET).devLogin(false)
                .build();
        try (ChatServer server = ChatServer.start(config)) {
            TestHttp http = new TestHttp(server.uri());
            String candidate = token("candidate-1", null);
            String operator = token("hr-alice", "operator");
            for (String[] call : List.of(new String[] {"GET", "/api/model"}, new String[] {"POST", "/api/model/promote"},
                    new String[] {"POST", "/api/model/rollback"}, new String[] {"POST", "/api/model/canary"})) {
                String body = call[0].equals("POST") ? "{}" : null;
                assertThat(http.send(call[0], call[1], candidate, body).status()).as(call[1]).isEqualTo(403);
                assertThat(http.send(call[0], call[1], null, body).status()).as(call[1]).isEqualTo(401);
            }
            JsonNode status = http.send("GET", "/api/model", operator, null).json();
            assertThat(status.get("serving").asText()).isEqualTo("1");
            assertThat(status.get("canary").isNull()).isTrue();
            TestHttp.Response nothingToPromote = http.send("POST", "/api/model/promote", operator, "{}");
            assertThat(nothingToPromote.status()).as(nothingToPromote.body()).isEqualTo(409);

            // a second version appears in the repository (a copy of the first, published atomically)
            Path staging = models.resolve("intent/.staging");
            KbFolder.copy(models.resolve("intent/1"), staging); // a recursive copy, whatever the folder holds
            Files.move(staging, models.resolve("intent/2"), StandardCopyOption.ATOMIC_MOVE);
            await("version 2 loaded by the repository watch").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> http.get("/health").json().at("/classifier/version").asText().equals("intent/2"));

            TestHttp.Response back = http.send("POST", "/api/model/rollback", operator, "{}");
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().get("type").asText()).isEqualTo("ROLLED_BACK");
            assertThat(back.json().get("version").asText()).isEqualTo("1");
            assertThat(back.json().get("by").asText()).isEqualTo("hr-alice");

            TestHttp.Response badShare = http.post("/api/model/canary", operator, Map.of("version", "2", "share", 1.5));
            assertThat(badShare.status()).isEqualTo(400);
            assertThat(badShare.json().get("field").asText()).isEqualTo("share");
            TestHttp.Response unknown = http.post("/api/model/canary", operator, Map.of("version", "9", "share", 0.5));
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(409);

            TestHttp.Response canary = http.post("/api/model/canary", operator, Map.of("version", "2", "share", 0.5));
            assertThat(canary.status()).as(canary.body()).isEqualTo(200);
            assertThat(canary.json().get("type").asText()).isEqualTo("CANARY_STARTED");
            for (int u = 0; u < 40; u++) {
                TestHttp.Response turn = http.post("/api/chat", token("user-" + u, null),
                        Map.of("sessionId", "s-" + u, "text", "年假有几天"));
                assertThat(turn.status()).isEqualTo(200);
            }
            await("40 turns counted by version").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        JsonNode v = http.send("GET", "/api/model", operator, null).json().get("versions");
                        return v.path("1").path("turns").asLong() + v.path("2").path("turns").asLong() >= 40;
                    });
            status = http.send("GET", "/api/model", operator, null).json();
            assertThat(status.get("canary").asText()).isEqualTo("2");
            assertThat(status.get("canaryShare").asDouble()).isEqualTo(0.5);
            assertThat(status.at("/versions/1/turns").asLong()).as(status.toString()).isPositive();
            assertThat(status.at("/versions/2/turns").asLong()).as(status.toString()).isPositive();
            // the same figures as meters tagged with the version, and the canary's share
            String scrape = http.get("/metrics").body();
            assertThat(promCounter(scrape, "ivbot_model_version_turns_total", "1")
                    + promCounter(scrape, "ivbot_model_version_turns_total", "2")).as(scrape).isEqualTo(40);
            assertThat(promCounter(scrape, "ivbot_model_version_turns_total", "2"))
                    .isEqualTo(status.at("/versions/2/turns").asDouble());
            assertThat(promCounter(scrape, "ivbot_model_canary_share", "2")).isEqualTo(0.5);

            TestHttp.Response promoted = http.send("POST", "/api/model/promote", operator, "{}");
            assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
            assertThat(promoted.json().get("type").asText()).isEqualTo("PROMOTED");
            status = http.send("GET", "/api/model", operator, null).json();
            assertThat(status.get("serving").asText()).isEqualTo("2");
            assertThat(status.get("canary").isNull()).isTrue();
        }
    }

    @Test
    void withACanaryPolicyANewVersionServesAShareOfUsersFirstAndIsPromotedByItsFigures() throws Exception {
        Path models = dir.resolve("models");
        // what IVBOT_CANARY_SHARE=0.5 IVBOT_CANARY_MIN_TURNS=5 configure
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("IVBOT_CANARY_SHARE", "0.5", "IVBOT_CANARY_MIN_TURNS", "5"),
                new java.util.Properties()).mutate().port(0).modelRepository(models).hmacSecret(SECRET).devLogin(false)
                .build();
        try (ChatServer server = ChatServer.start(config)) {
            TestHttp http = new TestHttp(server.uri());
            String operator = token("hr-alice", "operator");
            Path staging = models.resolve("intent/.staging");
            KbFolder.copy(models.resolve("intent/1"), staging);
            Files.move(staging, models.resolve("intent/2"), StandardCopyOption.ATOMIC_MOVE);
            await("version 2 started as a canary by the repository watch").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "2".equals(http.send("GET", "/api/model", operator, null).json().path("canary").asText()));
            JsonNode status = http.send("GET", "/api/model", operator, null).json();
            assertThat(status.get("serving").asText()).isEqualTo("1");
            assertThat(status.get("canaryShare").asDouble()).isEqualTo(0.5);

            // the same model answers alike on both sides: once each side has 5 turns it is promoted
            for (int u = 0; u < 40; u++) {
                TestHttp.Response turn = http.post("/api/chat", token("user-" + u, null),
                        Map.of("sessionId", "s-" + u, "text", "年假有几天"));
                assertThat(turn.status()).isEqualTo(200);
            }
            await("the canary promoted by the policy").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> http.send("GET", "/api/model", operator, null).json().path("serving").asText().equals("2"));
            status = http.send("GET", "/api/model", operator, null).json();
            assertThat(status.get("canary").isNull()).as(status.toString()).isTrue();
            assertThat(status.at("/versions/2/turns").asLong()).isGreaterThanOrEqualTo(5);
        }
    }

    /** The value of {@code name}'s sample whose {@code version} label is {@code version}; fails if there is none. */
    static double promCounter(String scrape, String name, String version) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("version=\"" + version + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + "{version=\"" + version + "\"} in the scrape");
    }

    private static String token(String user, String role) {
        var jwt = JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600));
        if (role != null) {
            jwt.withClaim("role", role);
        }
        return jwt.sign(Algorithm.HMAC256(SECRET));
    }
}
