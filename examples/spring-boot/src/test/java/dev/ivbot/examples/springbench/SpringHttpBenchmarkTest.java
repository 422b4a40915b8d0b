package dev.ivbot.examples.springbench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.benchmarks.http.HttpTurnBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code --server spring} drives the real Spring Boot app: every request it counts is a chat turn the
 * engine answered (the RS256 JWT verified by Spring Security), Spring MVC's chunked replies included.
 */
class SpringHttpBenchmarkTest {

    @Test
    void everyCountedRequestIsATurnTheAppAnswered() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        HttpTurnBenchmark.Result r = SpringHttpBenchmark.run(new HttpTurnBenchmark.Options("spring", "memory", "rules",
                null, null, 2, 20, Duration.ZERO, Duration.ofMillis(700), true),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(r.errors()).isZero();
        assertThat(r.halfErrors()).isZero();
        assertThat(r.turns()).isPositive();
        assertThat(r.barePerSecond()).isPositive();
        // the saturated and the half-rate phases' turns, all answered by the engine, none refused
        assertThat(r.serverTurns()).isGreaterThan(r.turns());
        String line = printed.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
        assertThat(line).startsWith("scenario=http server=spring sessions=memory classifier=rules uncached=true ")
                .containsPattern("errors=0 bare_per_s=\\d+ ratio=[0-9.]+ ");
    }
}
