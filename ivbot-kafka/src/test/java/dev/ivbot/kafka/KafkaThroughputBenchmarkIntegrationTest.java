package dev.ivbot.kafka;

import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.spi.TurnEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sizing figure of docs/kafka.md: records per second into one partition of a local broker,
 * from onTurn to acknowledgement. Prints, asserts nothing about speed. Run with
 * {@code mvn -B -q -o -pl ivbot-kafka -am test -Plong -Dtest=KafkaThroughputBenchmarkIntegrationTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("long")
class KafkaThroughputBenchmarkIntegrationTest {

    @Test
    void recordsPerSecondIntoOnePartition() throws Exception {
        int n = 200_000;
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopic("bench", 1);
            for (int round = 0; round < 3; round++) {
                CountDownLatch acked = new CountDownLatch(n);
                try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                        .bootstrapServers(broker.bootstrapServers()).topic("bench").bufferCapacity(n)
                        .userIdSecret("benchmark secret 0123456789".getBytes(StandardCharsets.UTF_8))
                        .onAcknowledged(r -> acked.countDown()).build()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        String sid = "s-" + (i % 1000);
                        Reply reply = new Reply("年假每年15天。", "leave_policy", 0.93, Map.of("leave_type", "annual"),
                                Source.MODEL, null, List.of(), false, Language.ZH, sid, i / 1000 + 1,
                                Duration.ofMillis(3));
                        publisher.onTurn(new TurnEvent("user-" + (i % 5000), reply, null, false, false, sid,
                                "年假有几天？我的电话13812345678", List.of(new ScoredIntent("leave_policy", 0.93),
                                        new ScoredIntent("sick_leave", 0.04), new ScoredIntent("salary", 0.01)),
                                "onnx-3", "83e46a37d989"));
                    }
                    long produced = System.nanoTime() - start;
                    if (!acked.await(120, TimeUnit.SECONDS)) {
                        throw new AssertionError("not all acknowledged: " + publisher.stats());
                    }
                    long total = System.nanoTime() - start;
                    System.out.printf("round %d: %d records, onTurn %.0f/s, acknowledged %.0f records/s (%s)%n",
                            round, n, n / (produced / 1e9), n / (total / 1e9), publisher.stats());
                }
            }
        }
    }
}
