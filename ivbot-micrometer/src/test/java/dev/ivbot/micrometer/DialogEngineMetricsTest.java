package dev.ivbot.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DialogEngineMetricsTest {

    @Test
    void countsTurnsBySourceAndFallbacksByReasonAndTimesEveryTurn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DialogEngineMetrics metrics = DialogEngineMetrics.create(Tags.of("app", "test"));
        try (DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb())
                .listener(metrics)
                .build()) {
            metrics.monitor(engine).bindTo(registry);
            engine.chat(ChatRequest.of("u1", "s1", "年假有几天"));
            engine.chat(ChatRequest.of("u1", "s1", "那病假呢"));
            engine.chat(ChatRequest.of("u1", "s1", "今天天气怎么样"));

            assertThat(registry.get(DialogEngineMetrics.TURNS).tag("source", "rules").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.TURNS).tag("source", "context").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.TURNS).tag("source", "fallback").tag("app", "test")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.FALLBACKS).tag("reason", "out_of_scope")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.STORE_BUFFERED).gauge().value()).isZero();
            assertThat(registry.get(DialogEngineMetrics.STORE_REACHABLE).gauge().value()).isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.STORE_ACCEPTING).gauge().value()).isEqualTo(1);
            assertThat(registry.get(DialogEngineMetrics.STORE_IN_DOUBT).gauge().value()).isZero();
            assertThat(registry.get(DialogEngineMetrics.FAILURE_ALARM).gauge().value()).isZero();
            // fallbacks over all turns in the (60 s) window: the out-of-scope turn of the three
            assertThat(registry.get(DialogEngineMetrics.FAILURE_RATE).gauge().value()).isCloseTo(1.0 / 3, within(1e-9));
            assertThat(registry.get(DialogEngineMetrics.MODEL_INFO).tag("classifier", "keywords")
                    .tag("version", "1").gauge().value()).isEqualTo(1);

            // the listener runs off the reply's path: wait for it to have timed the three turns
            Timer timer = registry.get(DialogEngineMetrics.LATENCY).timer();
            await("the listener to time the three turns").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(5)).until(timer::count, n -> n >= 3);
            assertThat(timer.count()).isEqualTo(3);
            assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        }
    }

    @Test
    void bindingBeforeTheEngineIsKnownIsAnError() {
        assertThatThrownBy(() -> DialogEngineMetrics.create().bindTo(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("monitor(engine)");
    }
}
