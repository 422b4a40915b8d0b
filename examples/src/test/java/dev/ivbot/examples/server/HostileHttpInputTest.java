package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests at the example server's HTTP layer, the part {@code HostileInputTest} (ivbot-core)
 * cannot see: what Jetty refuses before a servlet runs, and what the servlets refuse before the
 * engine does. Each row must be answered with its status and the API's JSON
 * {@code {"code", "message"}} (never Jetty's HTML page) and answer no turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttpInputTest {
    private static final byte[] SECRET = "hostile-secret-hostile-secret-hostile!".getBytes(StandardCharsets.UTF_8);

    private ChatServer server;

    @BeforeAll
    void start() throws Exception {
        server = ChatServer.start(ServerConfig.builder().port(0).rulesOnly().hmacSecret(SECRET).devLogin(true).build());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One row: the raw request, and the status, code, message fragment and (for a 401) reason it must get. */
    record Case(String request, int status, String code, String message, @Nullable String reason) {
        Case(String request, int status, String code, String message) {
            this(request, status, code, message, null);
        }
    }

    private static String token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
    }

    /** A POST with an ASCII body, as a client would send it (the Content-Length counts bytes). */
    private static String post(String path, @Nullable String authorization, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static String chat(String contentType, String body) {
        return post("/api/chat", "Bearer " + token("alice"), contentType, body);
    }

    static Stream<Arguments> hostileRequests() {
        Map<String, Case> t = new LinkedHashMap<>();
        connection(t);
        bodies(t);
        mediaTypes(t);
        return t.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    // ------------------------------------------------------------------ refused by Jetty, before any servlet

    private static void connection(Map<String, Case> t) {
        t.put("header block over 16 KiB", new Case("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n", 431, "request_header_fields_too_large",
                "Header"));
        t.put("request line that is not HTTP", new Case("GARBAGE\r\n\r\n", 400, "bad_request", ""));
        t.put("unknown HTTP version", new Case("GET /health HTTP/7.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                505, "http_version_not_supported", ""));
        t.put("NUL inside a header value", new Case("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u0000b\r\n"
                + "Connection: close\r\n\r\n", 400, "bad_request", ""));
        t.put("encoded slash in a session id (ambiguous path)", new Case(post("/api/sessions/a%2F..%2Fb/heartbeat",
                "Bearer " + token("alice"), "application/json", "{}"), 400, "bad_request", ""));
        t.put("POST /health (HttpServlet's own 405)", new Case(post("/health", null, "application/json", "{}"), 405,
                "method_not_allowed", ""));
        String longToken = "Bearer " + token("alice") + "A".repeat(9_000);
        t.put("token of 9000 characters reaches the verifier",
                new Case(post("/api/chat", longToken, "application/json", "{\"text\": \"annual leave\"}"), 401,
                        "unauthorized", "longer than 8192", "TOO_LONG"));
    }

    // ------------------------------------------------------------------ bodies

    private static void bodies(Map<String, Case> t) {
        t.put("duplicate key: text", new Case(chat("application/json",
                "{\"text\": \"how many days of annual leave\", \"text\": \"salary\"}"), 400, "malformed_json",
                "the key 'text' appears more than once"));
        t.put("duplicate key: sessionId, apart", new Case(chat("application/json",
                "{\"sessionId\": \"s-a\", \"text\": \"annual leave\", \"sessionId\": \"s-b\"}"), 400, "malformed_json",
                "'sessionId'"));
        t.put("duplicate key: in a nested object", new Case(chat("application/json",
                "{\"text\": \"annual leave\", \"extra\": {\"a\": 1, \"a\": 2}}"), 400, "malformed_json", "'a'"));
        t.put("duplicate key: with a CR LF in its name", new Case(chat("application/json",
                "{\"te\\r\\nxt\": 1, \"te\\r\\nxt\": 2, \"text\": \"annual leave\"}"), 400, "malformed_json",
                "'te\\u000d\\u000axt'"));
        t.put("duplicate key: dev login user", new Case(post("/dev/login", null, "application/json",
                "{\"user\": \"alice\", \"user\": \"admin\"}"), 400, "malformed_json", "'user'"));
        t.put("declared body over 16 KiB", new Case("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token("alice") + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 20000\r\n\r\n{", 413, "payload_too_large", "16384"));
        String chunk = "{\"text\": \"" + "a".repeat(17_000) + "\"}";
        t.put("chunked body over 16 KiB", new Case("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token("alice") + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk
                + "\r\n0\r\n\r\n", 413, "payload_too_large", "16384"));
    }

    // ------------------------------------------------------------------ media types

    private static void mediaTypes(Map<String, Case> t) {
        String body = "{\"text\": \"annual leave\"}";
        for (String type : new String[] {"application/jsonp", "application/json-seq", "application/json+x",
                "application/jsonx; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "text/json"}) {
            t.put("content type " + type, new Case(chat(type, body), 415, "unsupported_media_type", "application/json"));
        }
        t.put("content type application/json with charset ISO-8859-1", new Case(chat(
                "application/json; charset=ISO-8859-1", body), 415, "unsupported_media_type", "UTF-8"));
        t.put("content type application/jsonp on the dev login", new Case(post("/dev/login", null, "application/jsonp",
                "{\"user\": \"alice\"}"), 415, "unsupported_media_type", "application/json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    @Timeout(20)
    void isRefusedWithTheApisJsonAndAnswersNoTurn(String name, Case c) {
        long turnsBefore = server.engine().metrics().turns();

        RawHttp.Response r = RawHttp.send(server.uri(), c.request());

        assertThat(r.status()).as("%s: %s", name, r.body()).isEqualTo(c.status());
        assertThat(r.header("Content-Type")).as(name).startsWith("application/json");
        assertThat(r.body()).as(name).doesNotContainIgnoringCase("<html");
        JsonNode json = r.json();
        assertThat(json.get("code").asText()).as(name).isEqualTo(c.code());
        assertThat(json.get("message").asText()).as(name).isNotBlank().contains(c.message());
        if (c.reason() != null) {
            assertThat(json.get("reason").asText()).as(name).isEqualTo(c.reason());
        }
        assertThat(server.engine().metrics().turns()).as(name).isEqualTo(turnsBefore);
    }

    @Test
    void jsonWithACharsetParameterOrInAnyCaseIsAccepted() {
        for (String type : new String[] {"application/json", "application/json; charset=utf-8",
                "application/json;charset=\"UTF-8\"", "Application/JSON"}) {
            RawHttp.Response r = RawHttp.send(server.uri(), chat(type, "{\"text\": \"how many days of annual leave\"}"));
            assertThat(r.status()).as("%s: %s", type, r.body()).isEqualTo(200);
            assertThat(r.json().get("intent").asText()).isEqualTo("leave_policy");
        }
    }

    @Test
    void theSameKeyInTwoObjectsIsNoDuplicate() {
        RawHttp.Response r = RawHttp.send(server.uri(), chat("application/json",
                "{\"text\": \"how many days of annual leave\", \"extra\": {\"text\": 1}}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
}
