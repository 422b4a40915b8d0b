package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.StuckModel;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host's own executor and scheduler: the engine uses them and, not having created them, never shuts them down. */
class HostPoolsTest {

    private final ExecutorService hostExecutor = Executors.newFixedThreadPool(2, DaemonThreads.numbered("host-worker-"));
    private final ScheduledThreadPoolExecutor hostScheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.numbered("host-timer-"));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void shutDownHostPools() throws InterruptedException {
        release.countDown();
        hostExecutor.shutdownNow();
        hostScheduler.shutdownNow();
        assertThat(hostExecutor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(hostScheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A blocking classifier (the default {@code isNonBlocking() == false}) that notes the thread it runs on. */
    private static final class ThreadNotingModel implements IntentClassifier {
        final AtomicReference<String> thread = new AtomicReference<>();

        @Override
        public String name() {
            return "thread-noting";
        }

        @Override
        public Source source() {
            return Source.MODEL;
        }

        @Override
        public Classification classify(ClassifierInput input) {
            thread.set(Thread.currentThread().getName());
            return new Classification(List.of(new ScoredIntent("leave_policy", 0.99)), "v1");
        }
    }


    @Test
    void turnsRunTheirClassifierCallsOnTheHostsExecutor() {
        ThreadNotingModel model = new ThreadNotingModel();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(model).executor(hostExecutor).scheduler(hostScheduler)
                .classifierDeadline(Duration.ofSeconds(10)).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(reply.intent()).isEqualTo("leave_policy");
            assertThat(reply.source()).isEqualTo(Source.MODEL);
            assertThat(model.thread.get()).startsWith("host-worker-");
        }
    }

    @Test
    void withoutAHostExecutorTheEngineUsesItsOwnThreads() {
        ThreadNotingModel model = new ThreadNotingModel();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(model).classifierDeadline(Duration.ofSeconds(10)).build()) {
            engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(model.thread.get()).startsWith("ivbot-engine-");
        }
    }

    @Test
    void closeLeavesTheHostsPoolsRunning() throws InterruptedException {
        DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new ThreadNotingModel()).executor(hostExecutor).scheduler(hostScheduler).build();
        engine.chat(ChatRequest.of("u", "s", "年假有几天"));
        engine.close();

        assertThat(hostExecutor.isShutdown()).isFalse();
        assertThat(hostScheduler.isShutdown()).isFalse();
        // and they still work for the host
        assertThat(hostExecutor.submit(() -> 42)).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(42);
        java.util.concurrent.Future<Integer> timed = hostScheduler.schedule(() -> 7, 1, TimeUnit.MILLISECONDS);
        assertThat(timed).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(7);
    }

    @Test
    void closeShutsDownTheEnginesOwnPools() throws Exception {
        DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new ThreadNotingModel()).build();
        engine.chat(ChatRequest.of("u", "s", "年假有几天"));
        ExecutorService ownExecutor = field(engine, "executor", ExecutorService.class);
        ScheduledExecutorService ownTimers = field(engine, "timers", ScheduledExecutorService.class);
        assertThat(ownExecutor.isShutdown()).isFalse();
        assertThat(ownTimers.isShutdown()).isFalse();

        engine.close();

        assertThat(ownExecutor.isShutdown()).isTrue();
        assertThat(ownTimers.isShutdown()).isTrue();
    }

    @Test
    void theDeadlineHoldsWithAHostScheduler() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new StuckModel(release)).secondaryClassifier(KeywordClassifier.forTinyKb())
                .executor(hostExecutor).scheduler(hostScheduler)
                .classifierDeadline(Duration.ofMillis(50)).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(reply.intent()).isEqualTo("leave_policy");
            assertThat(reply.source()).isEqualTo(Source.RULES);
            assertThat(reply.degraded()).isTrue();
            assertThat(reply.latency()).isLessThan(Duration.ofSeconds(10));
            assertThat(engine.metrics().classifierTimeouts()).isEqualTo(1);
        }
        assertThat(hostScheduler.isShutdown()).isFalse();
        assertThat(hostExecutor.isShutdown()).isFalse();
    }

    @Test
    void theDeadlineHoldsWithOnlyAHostScheduler() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(new StuckModel(release)).secondaryClassifier(KeywordClassifier.forTinyKb())
                .scheduler(hostScheduler).classifierDeadline(Duration.ofMillis(50)).build()) {
            Reply reply = engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(reply.source()).isEqualTo(Source.RULES);
            assertThat(reply.degraded()).isTrue();
            assertThat(engine.metrics().classifierTimeouts()).isEqualTo(1);
        }
        assertThat(hostScheduler.isShutdown()).isFalse();
    }

    private static <T> T field(DialogEngine engine, String name, Class<T> type) throws ReflectiveOperationException {
        Field f = DialogEngine.class.getDeclaredField(name);
        f.setAccessible(true);
        return type.cast(f.get(engine));
    }
}
