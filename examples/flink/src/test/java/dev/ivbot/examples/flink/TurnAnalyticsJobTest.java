package dev.ivbot.examples.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.kafka.KafkaBrokerExtension;
import dev.ivbot.kafka.KafkaTurnPublisher;
import dev.ivbot.kafka.TurnRecord;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.testkit.MutableClock;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Known turns through the engine, ivbot-kafka and a real broker into the Flink SQL job on a local
 * MiniCluster: every window's figures are checked exactly against the records the broker
 * acknowledged.
 */
class TurnAnalyticsJobTest {

    /** A multiple of the window width, so that the first turns open a window. */
    private static final long T0 = 1_700_000_000_000L;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void windowsCountIntentsAndFallbacksAndMeasureLatencyPerModelVersion() throws Exception {
        KAFKA.broker().createTopic("turns", 2);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(0));
        List<TurnRecord> acknowledged = new CopyOnWriteArrayList<>();
        Semaphore acks = new Semaphore(0);
        try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                .bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("turns").clock(clock.withZone(ZoneOffset.UTC)).onAcknowledged(r -> {
                    acknowledged.add(r);
                    acks.release();
                }).build()) {
            try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                    .primaryClassifier(RuleClassifier.factory()).listener(publisher).build()) {
                // first window [T0, T0 + 5 s): 3 leave, 1 salary, 1 out of scope
                turn(engine, clock, acks, T0 + 100, "s1", "年假有几天");
                turn(engine, clock, acks, T0 + 900, "s2", "年假有几天");
                turn(engine, clock, acks, T0 + 1_500, "s3", "病假有几天");
                turn(engine, clock, acks, T0 + 2_000, "s1", "工资多少");
                turn(engine, clock, acks, T0 + 4_999, "s2", "今天天气怎么样");
                // second window [T0 + 5 s, T0 + 10 s): 2 interview, 2 out of scope
                turn(engine, clock, acks, T0 + 5_000, "s4", "面试有几轮");
                turn(engine, clock, acks, T0 + 6_000, "s5", "校招面试有几轮");
                turn(engine, clock, acks, T0 + 7_000, "s4", "明天会下雨吗");
                turn(engine, clock, acks, T0 + 9_999, "s5", "你是chatgpt吗");
            }
        } // close() flushes: every turn is acknowledged or counted as dropped
        assertThat(acknowledged).hasSize(9);

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "1");
        env.getConfig().set("table.local-time-zone", "UTC");
        TurnAnalyticsJob.registerTurns(env, KAFKA.broker().bootstrapServers(), "turns", "analytics-test", true);

        Map<String, Long> counts = new HashMap<>();
        for (Row row : collect(TurnAnalyticsJob.turnsPerIntent(env).execute().collect())) {
            counts.put(window(row) + " " + row.getField("model_version") + " " + row.getField("intent"),
                    (Long) row.getField("turns"));
        }
        String version = acknowledged.get(0).modelVersion() == null ? "-" : acknowledged.get(0).modelVersion();
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "0 " + version + " " + TestKnowledgeBases.LEAVE, 3L,
                "0 " + version + " " + TestKnowledgeBases.SALARY, 1L,
                "0 " + version + " (fallback)", 1L,
                "5000 " + version + " " + TestKnowledgeBases.INTERVIEW, 2L,
                "5000 " + version + " (fallback)", 2L));

        List<Row> figures = collect(TurnAnalyticsJob.windowFigures(env).execute().collect());
        assertThat(figures).hasSize(2);
        for (Row row : figures) {
            long start = window(row);
            List<Double> latencies = new ArrayList<>();
            for (TurnRecord r : acknowledged) {
                if (r.timeMillis() - T0 >= start && r.timeMillis() - T0 < start + 5_000) {
                    latencies.add(r.latencyMillis());
                }
            }
            assertThat(row.getField("model_version")).isEqualTo(version);
            assertThat(row.getField("turns")).isEqualTo((long) latencies.size());
            assertThat(((Number) row.getField("fallback_rate")).doubleValue())
                    .isEqualTo(start == 0 ? 0.2 : 0.5, org.assertj.core.data.Offset.offset(1e-9));
            assertThat((Double) row.getField("avg_latency_ms"))
                    .isCloseTo(latencies.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                            org.assertj.core.data.Offset.offset(1e-9));
            assertThat((Double) row.getField("p99_latency_ms"))
                    .isCloseTo(percentile(latencies, 0.99), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /**
     * One turn stamped {@code at}: the publisher reads its clock on the listener thread, so the
     * clock moves on only once the broker has acknowledged the turn's record.
     */
    private static void turn(DialogEngine engine, MutableClock clock, Semaphore acks, long at, String session, String text)
            throws InterruptedException {
        clock.set(Instant.ofEpochMilli(at));
        engine.chat(ChatRequest.of("user-" + session, session, text));
        assertThat(acks.tryAcquire(30, TimeUnit.SECONDS)).as("acknowledged: %s", text).isTrue();
    }

    /** Window start, in milliseconds after T0. */
    private static long window(Row row) {
        LocalDateTime start = (LocalDateTime) row.getField("window_start");
        return start.toInstant(ZoneOffset.UTC).toEpochMilli() - T0;
    }

    private static List<Row> collect(CloseableIterator<Row> rows) throws Exception {
        List<Row> out = new ArrayList<>();
        try (rows) {
            rows.forEachRemaining(out::add);
        }
        return out;
    }

    /** Exact percentile with linear interpolation, as Flink's PERCENTILE computes it. */
    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        double position = p * (sorted.size() - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
