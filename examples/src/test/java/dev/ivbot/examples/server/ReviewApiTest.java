package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.testkit.KbFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review API of a running server: candidates get 403 on every endpoint; an operator turns the
 * cluster of a missing intent's questions into that intent, the KB file gains it, the model
 * retrains and swaps, and the next chat turn with one of the questions gets the new answer.
 */
class ReviewApiTest {
    private static final byte[] SECRET = "test-secret-test-secret-test-secret!!".getBytes(StandardCharsets.UTF_8);
    private static final String ANSWER = "入职体检请在示例科技指定的体检中心完成（测试答案）。";

    @TempDir
    Path dir;

    private static final List<String> ASKED =
            KnowledgeBase.load(Path.of("hr-demo-kb")).intent("medical_exam").orElseThrow().examplesZh();

    /** A server on a copy of the demo KB without medical_exam, whose questions a candidate has asked. */
    private ChatServer serverWithQueuedQuestions(boolean devLogin) throws Exception {
        KbFolder kb = KbFolder.copy(Path.of("hr-demo-kb"), dir.resolve("kb")).removeIntent("medical_exam");
        ServerConfig config = ServerConfig.builder().port(0).knowledgeBase(kb.root()).modelRepository(dir.resolve("models"))
                .hmacSecret(SECRET).devLogin(devLogin).build();
        ChatServer server = ChatServer.start(config);
        TestHttp http = new TestHttp(server.uri());
        int n = 0;
        for (String q : ASKED) {
            assertThat(http.post("/api/chat", token("candidate-1", null), Map.of("sessionId", "c-" + (n++), "text", q))
                    .status()).isEqualTo(200);
        }
        await("queued questions").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> server.reviewQueue().size() >= ASKED.size() / 3);
        return server;
    }

    @Test
    void anOperatorTurnsAClusterIntoAnIntentAndCandidatesAreForbidden() throws Exception {
        try (ChatServer server = serverWithQueuedQuestions(false)) {
            Path kb = server.config().knowledgeBase().orElseThrow();
            TestHttp http = new TestHttp(server.uri());
            String candidate = token("candidate-1", null);
            String operator = token("hr-alice", "operator");

            // every review endpoint refuses a candidate, and a missing token
            for (String[] call : List.of(new String[] {"GET", "/api/review/clusters"},
                    new String[] {"POST", "/api/review/clusters/abc/add"}, new String[] {"POST", "/api/review/clusters/abc/new"},
                    new String[] {"POST", "/api/review/clusters/abc/dismiss"})) {
                assertThat(http.send(call[0], call[1], candidate, call[0].equals("POST") ? "{}" : null).status())
                        .as(call[1]).isEqualTo(403);
                assertThat(http.send(call[0], call[1], null, call[0].equals("POST") ? "{}" : null).status())
                        .as(call[1]).isEqualTo(401);
            }

            TestHttp.Response list = http.send("GET", "/api/review/clusters", operator, null);
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            JsonNode best = null;
            long bestCount = 0;
            for (JsonNode c : list.json().get("clusters")) {
                long k = 0;
                for (JsonNode q : c.get("questions")) {
                    k += ASKED.contains(q.asText()) ? 1 : 0;
                }
                if (k > bestCount) {
                    best = c;
                    bestCount = k;
                }
            }
            assertThat(best).as(list.body()).isNotNull();
            String question = best.get("questions").get(0).asText();
            TestHttp.Response created = http.post("/api/review/clusters/" + best.get("id").asText() + "/new", operator,
                    Map.of("id", "medical_exam", "titleZh", "入职体检", "titleEn", "Medical exam", "answerZh", ANSWER,
                            "answerEn", "Please take the medical exam at one of our listed centres (test answer)."));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            assertThat(created.json().get("by").asText()).isEqualTo("hr-alice");
            assertThat(Files.readString(kb.resolve("intents/reviewed.yaml"))).contains("- id: medical_exam", question);

            // the watcher reloads the KB, the lifecycle trains version 2 and swaps it in
            await("version 2 serving").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50))
                    .until(() -> http.get("/health").json().at("/classifier/version").asText().equals("intent/2"));
            JsonNode reply = http.post("/api/chat", candidate, Map.of("sessionId", "after", "text", question)).json();
            assertThat(reply.get("intent").asText()).as(reply.toString()).isEqualTo("medical_exam");
            assertThat(reply.get("text").asText()).isEqualTo(ANSWER);
        }
    }

    /** The same through the review page in Chromium (examples/e2e/review.spec.mjs). */
    @Test
    void theReviewPageInABrowser() throws Exception {
        BrowserScript.requireBrowser();
        try (ChatServer server = serverWithQueuedQuestions(true)) {
            Path kb = server.config().knowledgeBase().orElseThrow();
            String question = server.reviewQueue().items().get(0).text();
            BrowserScript.run("review.spec.mjs", 420, server.uri().toString(),
                    Path.of("target", "screenshots").toAbsolutePath().toString(), token("candidate-1", null), question, ANSWER);
            assertThat(Files.readString(kb.resolve("intents/reviewed.yaml"))).contains("- id: medical_exam", question);
        }
    }

    private static String token(String user, String role) {
        var jwt = JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600));
        if (role != null) {
            jwt.withClaim("role", role);
        }
        return jwt.sign(Algorithm.HMAC256(SECRET));
    }

}
