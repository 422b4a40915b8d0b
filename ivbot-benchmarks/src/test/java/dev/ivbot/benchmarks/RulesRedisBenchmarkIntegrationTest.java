package dev.ivbot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;


import dev.ivbot.DialogEngine;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the rules-redis benchmark briefly (keyword classifier, a server of its own) to check that it
 * works end to end and prints its summary line; the figures in docs/benchmarks.md come from the
 * full-length run ({@code BENCH_SECONDS} sets the measured seconds here too, {@code BENCH_THREADS}
 * the turns in flight, {@code BENCH_REPLICA_ACKS} the replicas started and waited for).
 */
class RulesRedisBenchmarkIntegrationTest {

    @Test
    void printsTheSummaryLineWithoutErrors() throws Exception {
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "2"));
        int threads = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "64"));
        int replicaAcks = Integer.parseInt(System.getenv().getOrDefault("BENCH_REPLICA_ACKS", "0"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        RulesRedisBenchmark.Result result = RulesRedisBenchmark.run(RulesRedisBenchmark.Config.defaults()
                        .withThreads(threads)
                        .withReplicaAcks(replicaAcks)
                        .withDurations(Duration.ofSeconds(1), Duration.ofSeconds(seconds))
                        .withRedisBenchmarkRequests(seconds > 2 ? 400_000 : 50_000),
                store -> DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                        .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).build(), out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        String[] lines = text.strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("scenario=rules-redis turns_per_s=").contains(" p99_ms=")
                .contains(" redis_benchmark_per_s=").contains(" ratio=").endsWith(" replica_acks=" + replicaAcks);
        assertThat(result.errors()).isZero();
        assertThat(result.turns()).isPositive();
    }
}
