package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ivbot.DialogEngine;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.internal.ChatController;
import java.time.Duration;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/** Closing the context lets a chat turn in flight finish before the engine closes, and refuses new ones. */
class GracefulShutdownTest {
    @AfterEach
    void clearUser() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aTurnInFlightIsAnsweredBeforeTheEngineCloses() throws Exception {
        HeldStore store = new HeldStore();
        CountDownLatch closing = new CountDownLatch(1);
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues(IvbotAutoConfigurationTest.KB, "ivbot.web.enabled=true")
                .withBean(SessionStore.class, () -> store)
                .withBean(ClosingListener.class, () -> new ClosingListener(closing))
                .run(context -> {
                    SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", null, "USER"));
                    ChatController chat = context.getBean(ChatController.class);
                    DialogEngine engine = context.getBean(DialogEngine.class);
                    CompletableFuture<ResponseEntity<Map<String, Object>>> inFlight =
                            chat.reply(Map.of("text", "年假有几天？"), null);
                    assertThat(store.saving.await(10, TimeUnit.SECONDS)).isTrue();

                    CompletableFuture<Void> closer = CompletableFuture.runAsync(context::close);
                    assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();
                    // the controller has stopped taking turns and holds Spring's shutdown until the one in
                    // flight is answered: from here the close cannot finish, and the engine must stay open
                    await().atMost(Duration.ofSeconds(10)).until(() -> !chat.isRunning());
                    assertThat(closer).isNotDone();
                    assertThat(engine.isClosed()).isFalse();
                    assertThat(chat.reply(Map.of("text", "病假呢"), null).get().getStatusCode().value()).isEqualTo(503);

                    store.release.complete(null);
                    assertThat(inFlight.get(10, TimeUnit.SECONDS).getStatusCode().value()).isEqualTo(200);
                    closer.get(10, TimeUnit.SECONDS);
                    assertThat(engine.isClosed()).isTrue();
                });
    }

    @Test
    void stoppingWithATurnInFlightTellsSpringItHasStoppedOnlyOnceTheTurnIsAnswered() throws Exception {
        HeldStore store = new HeldStore();
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues(IvbotAutoConfigurationTest.KB, "ivbot.web.enabled=true")
                .withBean(SessionStore.class, () -> store)
                .run(context -> {
                    SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", null, "USER"));
                    ChatController chat = context.getBean(ChatController.class);
                    CompletableFuture<ResponseEntity<Map<String, Object>>> inFlight =
                            chat.reply(Map.of("text", "年假有几天？"), null);
                    assertThat(store.saving.await(10, TimeUnit.SECONDS)).isTrue();

                    CountDownLatch stopped = new CountDownLatch(1);
                    chat.stop(stopped::countDown); // what Spring's shutdown calls; an idle controller calls back at once
                    assertThat(stopped.getCount()).as("called back with a turn in flight").isOne();
                    assertThat(chat.isRunning()).isFalse();

                    store.release.complete(null);
                    assertThat(inFlight.get(10, TimeUnit.SECONDS).getStatusCode().value()).isEqualTo(200);
                    assertThat(stopped.await(10, TimeUnit.SECONDS)).as("called back once the turn is answered").isTrue();
                });
    }

    record ClosingListener(CountDownLatch closing) implements ApplicationListener<ContextClosedEvent> {
        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            closing.countDown();
        }
    }

    /** In memory, but a save waits until the test releases it: a turn held in flight. */
    static final class HeldStore implements SessionStore {
        final SessionStore delegate = SessionStore.inMemory();
        final CountDownLatch saving = new CountDownLatch(1);
        final CompletableFuture<Void> release = new CompletableFuture<>();

        @Override
        public CompletionStage<Optional<SessionState>> load(String sessionId) {
            return delegate.load(sessionId);
        }

        @Override
        public CompletionStage<SaveOutcome> save(SessionState state) {
            saving.countDown();
            return release.thenCompose(v -> delegate.save(state));
        }

        @Override
        public CompletionStage<Boolean> touch(String sessionId) {
            return delegate.touch(sessionId);
        }

        @Override
        public CompletionStage<Boolean> delete(String sessionId) {
            return delegate.delete(sessionId);
        }

        @Override
        public Duration ttl() {
            return delegate.ttl();
        }
    }
}
