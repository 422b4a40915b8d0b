package dev.ivbot.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.DialogEngine;
import dev.ivbot.redis.RedisSessionStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The demo mode the chat page uses: {@code /dev/login} mints a token that the API then accepts; sessions in memory. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "ivbot.example.dev-login=true")
class DevLoginHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    DialogEngine engine;

    @Test
    void theDevLoginsTokenOpensASessionForThatUser() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri("/")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.headers().firstValue("X-Ivbot-Dev-Login")).hasValue("true");
        // no Redis in use: the app's health is up (Spring Data Redis's own check is off with it)
        assertThat(http.send(HttpRequest.newBuilder(uri("/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/dev/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"track\":\"intern\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        String token = JSON.readTree(login.body()).get("token").asText();

        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(uri("/api/chat"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"年假有几天？\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(200);
        JsonNode reply = JSON.readTree(chat.body());
        assertThat(reply.get("slots").get("track").asText()).isEqualTo("intern");
        assertThat(engine.session("alice", reply.get("sessionId").asText())).isPresent();
        assertThat(engine.sessionStore()).isNotInstanceOf(RedisSessionStore.class);

        HttpResponse<String> badUser = http.send(HttpRequest.newBuilder(uri("/dev/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"no spaces\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badUser.statusCode()).isEqualTo(400);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
