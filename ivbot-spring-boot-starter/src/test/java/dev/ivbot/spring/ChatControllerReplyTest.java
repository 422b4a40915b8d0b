package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.internal.ChatController;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * A turn the engine has answered when {@code chat} returns is returned as the reply itself (Spring MVC
 * writes it in the same dispatch); one still in flight is returned as a future (the request thread is
 * not held).
 */
class ChatControllerReplyTest {
    @AfterEach
    void clearUser() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void anAnsweredTurnIsTheReplyAndATurnInFlightIsAFuture() {
        GracefulShutdownTest.HeldStore held = new GracefulShutdownTest.HeldStore();
        runner().withBean(SessionStore.class, SessionStore::inMemory).run(context -> {
            SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", null, "USER"));
            Object reply = context.getBean(ChatController.class).chat(Map.of("text", "年假有几天？"), null);
            assertThat(reply).isInstanceOfSatisfying(ResponseEntity.class, r -> {
                assertThat(r.getStatusCode().value()).isEqualTo(200);
                assertThat(((Map<?, ?>) r.getBody()).get("intent")).isEqualTo("leave_policy");
            });
        });
        runner().withBean(SessionStore.class, () -> held).run(context -> {
            SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", null, "USER"));
            Object reply = context.getBean(ChatController.class).chat(Map.of("text", "年假有几天？"), null);
            assertThat(reply).isInstanceOf(CompletableFuture.class);
            held.release.complete(null);
            assertThat(((CompletableFuture<?>) reply).get(10, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(ResponseEntity.class, r -> assertThat(r.getStatusCode().value()).isEqualTo(200));
        });
    }

    private static WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues(IvbotAutoConfigurationTest.KB, "ivbot.web.enabled=true");
    }
}
