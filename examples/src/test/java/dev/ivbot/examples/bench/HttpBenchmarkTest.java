package dev.ivbot.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.benchmarks.http.HttpTurnBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The HTTP benchmark drives the real server: every request it counts is a chat turn the engine
 * answered (the JWT verified), and the result line holds each figure it documents.
 */
class HttpBenchmarkTest {

    @Test
    void everyCountedRequestIsATurnTheServerAnsweredAndTheLineHoldsEveryFigure() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        HttpTurnBenchmark.Result r = HttpBenchmark.run(new HttpTurnBenchmark.Options("servlet", "memory", "rules", null, null, 2, 20,
                Duration.ZERO, Duration.ofMillis(700), true), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(r.errors()).isZero();
        assertThat(r.halfErrors()).isZero();
        assertThat(r.turns()).isPositive();
        assertThat(r.barePerSecond()).isPositive();
        // the saturated and the half-rate phases' turns, all answered by the engine, none refused
        assertThat(r.serverTurns()).isGreaterThan(r.turns());
        assertThat(r.ratio()).isEqualTo(r.turnsPerSecond() / r.barePerSecond());
        String line = printed.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
        assertThat(line).startsWith("scenario=http server=servlet sessions=memory classifier=rules uncached=true ")
                .containsPattern("turns_per_s=\\d+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ errors=0 bare_per_s=\\d+ ratio=[0-9.]+ ")
                .containsPattern("half_p99_ms=[0-9.]+ half_errors=0 client_cpu_share=[0-9.]+$");
    }

    @Test
    void badOptionsSayWhatWasWrong() {
        assertThatThrownBy(() -> new HttpTurnBenchmark.Options("servlet", "disk", "rules", null, null, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1), false)).hasMessageContaining("--sessions").hasMessageContaining("disk");
        assertThatThrownBy(() -> new HttpTurnBenchmark.Options("servlet", "memory", "model", null, null, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1), false)).hasMessageContaining("--classifier model needs a model repository");
        assertThatThrownBy(() -> new HttpTurnBenchmark.Options("netty", "memory", "rules", null, null, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1), false)).hasMessageContaining("--server").hasMessageContaining("netty");
    }
}
