package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.testkit.KbFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HR operator edits the KB of a running server, as with {@code ./ivbot serve}, while eight
 * users chat: an answer edit, an example edit (retrain, gate, swap), an edit the gate refuses, and a
 * broken YAML file. Every turn must be answered by the model (never degraded, never failed), and the
 * model must never be closed.
 */
class KnowledgeBaseEditsInARunningServerTest {
    private static final byte[] SECRET = "test-secret-test-secret-test-secret!!".getBytes(StandardCharsets.UTF_8);
    private static final int USERS = 8;
    private static final long PACE_NANOS = Duration.ofMillis(100).toNanos();

    @TempDir
    Path dir;

    @Test
    void answerEditsExampleEditsGateRefusalsAndBrokenFilesNeverDegradeATurn() throws Exception {
        KbFolder edits = KbFolder.copy(Path.of("hr-demo-kb"), dir.resolve("kb"));
        Path kb = edits.root();
        Path repo = dir.resolve("models");
        ServerConfig config = ServerConfig.builder().port(0).knowledgeBase(kb).modelRepository(repo)
                .hmacSecret(SECRET).devLogin(false).build();
        try (ChatServer server = ChatServer.start(config)) { // trains the first version into the empty repository
            TestHttp http = new TestHttp(server.uri());
            assertThat(health(http).at("/classifier/version").asText()).isEqualTo("intent/1");

            // every example of the KB, in both languages, so that the model (not the cache) answers most turns
            List<String> questions = new java.util.ArrayList<>();
            KnowledgeBase.load(kb).intents().values().forEach(i -> {
                questions.addAll(i.examplesZh());
                questions.addAll(i.examplesEn());
            });
            java.util.Collections.shuffle(questions, new java.util.Random(7));
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder turns = new LongAdder();
            ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
            Map<String, LongAdder> sources = new ConcurrentHashMap<>();
            CountDownLatch started = new CountDownLatch(USERS);
            Thread[] users = new Thread[USERS];
            for (int u = 0; u < USERS; u++) {
                String token = token("user-" + u);
                int id = u;
                users[u] = new Thread(() -> {
                    int i = 0;
                    started.countDown();
                    long next = System.nanoTime();
                    while (!stop.get() && i < 100_000) {
                        // each user asks every 100 ms: a busy portal's pace, not a saturation test (bench does that)
                        next += PACE_NANOS;
                        java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                        String sid = "s-" + id + "-" + (i / 8);
                        TestHttp.Response r = http.post("/api/chat", token,
                                Map.of("sessionId", sid, "text", questions.get((i * USERS + id) % questions.size())));
                        i++;
                        turns.increment();
                        if (r.status() != 200) {
                            bad.add("HTTP " + r.status() + ": " + r.body());
                            continue;
                        }
                        JsonNode reply = r.json();
                        sources.computeIfAbsent(reply.get("source").asText(), k -> new LongAdder()).increment();
                        if (reply.get("degraded").asBoolean()) {
                            bad.add("degraded: " + r.body());
                        }
                    }
                }, "user-" + u);
                users[u].start();
            }
            started.await();

            // 1. an answer edit is in force within 5 s, without training
            String oldAnswer = answerTo(http, "年假有几天");
            Instant t0 = Instant.now();
            edits.replace("intents/leave_and_time.yaml", oldAnswer, oldAnswer + "（以劳动合同为准）");
            await("the edited answer").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> answerTo(http, "年假有几天").endsWith("（以劳动合同为准）"));
            Duration answerVisible = Duration.between(t0, Instant.now());
            assertThat(health(http).at("/classifier/training").asBoolean()).isFalse();
            assertThat(health(http).at("/classifier/version").asText()).isEqualTo("intent/1");

            // 2. an example edit trains version 2 in the background and swaps it in
            Instant t1 = Instant.now();
            edits.addExample("leave_policy", "zh", "年休假到底能休几天");
            await("version 2 serving").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> health(http).at("/classifier/version").asText().equals("intent/2"));
            Duration retrained = Duration.between(t1, Instant.now());
            String kbFingerprint = health(http).at("/kb/fingerprint").asText();
            assertThat(health(http).at("/classifier/trainedOnKbFingerprint").asText()).isEqualTo(kbFingerprint);

            // 3. intents relabelled pairwise: the gate refuses version 3, version 2 keeps serving
            edits.swapIds("salary_structure", "payday").swapIds("social_insurance", "allowances")
                    .swapIds("offer_details", "offer_decision").swapIds("onboarding_documents", "start_date")
                    .swapIds("interview_process", "interview_result");
            await("the gate's refusal").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !health(http).at("/classifier/lastRefusal").isNull());
            JsonNode refusedHealth = health(http);
            assertThat(refusedHealth.at("/classifier/lastRefusal").asText()).contains("version 3").contains("gate: macro-F1");
            assertThat(refusedHealth.at("/classifier/version").asText()).isEqualTo("intent/2");
            assertThat(refusedHealth.at("/status").asText()).isEqualTo("UP");

            // 4. a broken file changes nothing; the reason names the file and line
            String fingerprintBefore = health(http).at("/kb/fingerprint").asText();
            edits.overwrite("intents/chitchat.yaml", "intents:\n  - id: [broken\n");
            await("the refused reload").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !health(http).at("/kb/lastRefusedReload").isNull());
            JsonNode brokenHealth = health(http);
            assertThat(brokenHealth.at("/kb/lastRefusedReload/reason").asText()).contains("chitchat.yaml:");
            assertThat(brokenHealth.at("/kb/fingerprint").asText()).isEqualTo(fingerprintBefore);
            assertThat(answerTo(http, "年假有几天")).endsWith("（以劳动合同为准）");

            stop.set(true);
            for (Thread user : users) {
                user.join();
            }
            System.out.printf("KB edits under load: %d turns by %d users, sources %s; answer edit visible after %d ms, "
                    + "example edit serving as version 2 after %d ms%n", turns.sum(), USERS, sources,
                    answerVisible.toMillis(), retrained.toMillis());
            assertThat(bad).as("failed or degraded turns").isEmpty();
            assertThat(sources.keySet()).doesNotContain("RULES", "FALLBACK_UNAVAILABLE");
            assertThat(turns.sum()).isGreaterThan(USERS * 10L);
            JsonNode last = health(http);
            assertThat(last.at("/classifier/serving").asBoolean()).isTrue();
            assertThat(last.at("/classifier/version").asText()).doesNotContain("closed");
        }
    }

    private static String answerTo(TestHttp http, String question) {
        TestHttp.Response r = http.post("/api/chat", token("operator"),
                Map.of("sessionId", "probe-" + System.nanoTime(), "text", question));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("text").asText();
    }

    private static JsonNode health(TestHttp http) {
        return http.get("/health").json();
    }


    private static String token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
    }
}
