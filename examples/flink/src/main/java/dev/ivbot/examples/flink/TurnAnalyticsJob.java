package dev.ivbot.examples.flink;

import java.util.Objects;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Analytics on the turn stream that {@code ivbot-kafka} publishes (docs/kafka.md): per 5-second
 * tumbling window of answer time and per model version, the turns per intent (a fallback counts
 * under {@code (fallback)}), the fallback rate, and the average and p99 latency. Flink SQL over
 * Flink's own Kafka connector; on a Flink cluster, submit {@link #main} with the cluster's Flink
 * jars; in the test it runs on a local MiniCluster.
 *
 * <p>Stateless helpers over a caller's {@link TableEnvironment}, which is not thread-safe: use
 * them from the thread that owns the environment.
 */
public final class TurnAnalyticsJob {

    /** Width of a window. */
    public static final String WINDOW = "INTERVAL '5' SECOND";

    /** Turns per intent, per window and model version. */
    public static final String TURNS_PER_INTENT = """
            SELECT window_start, window_end, COALESCE(model_version, '-') AS model_version,
                   COALESCE(intent, '(fallback)') AS intent, COUNT(*) AS turns
            FROM TABLE(TUMBLE(TABLE turns, DESCRIPTOR(ts), %s))
            GROUP BY window_start, window_end, COALESCE(model_version, '-'), COALESCE(intent, '(fallback)')
            """.formatted(WINDOW);

    /**
     * Turns, fallback rate, average and p99 latency per window and model version. PERCENTILE is
     * Flink's exact percentile with linear interpolation between the two nearest values.
     */
    public static final String WINDOW_FIGURES = """
            SELECT window_start, window_end, COALESCE(model_version, '-') AS model_version,
                   COUNT(*) AS turns,
                   AVG(CASE WHEN `source` = 'fallback' THEN 1.0 ELSE 0.0 END) AS fallback_rate,
                   AVG(latency_ms) AS avg_latency_ms,
                   PERCENTILE(latency_ms, 0.99) AS p99_latency_ms
            FROM TABLE(TUMBLE(TABLE turns, DESCRIPTOR(ts), %s))
            GROUP BY window_start, window_end, COALESCE(model_version, '-')
            """.formatted(WINDOW);

    private TurnAnalyticsJob() {}

    /**
     * Registers table {@code turns} over the topic: the fields of schema version 1 that the
     * analytics read, event time from {@code time_ms} with a 2-second watermark (records of one
     * window may come from several servers out of order).
     *
     * @param bounded read from the earliest offset to the end as it is when the job starts, then
     *     finish (a test, a backfill); otherwise follow the topic from the group's offsets
     */
    public static void registerTurns(TableEnvironment env, String bootstrapServers, String topic, String groupId,
            boolean bounded) {
        Objects.requireNonNull(env, "env");
        String scan = bounded
                ? "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"
                : "'scan.startup.mode' = 'group-offsets', 'properties.auto.offset.reset' = 'earliest'";
        env.executeSql("""
                CREATE TABLE turns (
                  session_id      STRING,
                  `turn`          BIGINT,
                  intent          STRING,
                  `source`        STRING,
                  fallback_reason STRING,
                  latency_ms      DOUBLE,
                  model_version   STRING,
                  time_ms         BIGINT,
                  ts AS TO_TIMESTAMP_LTZ(time_ms, 3),
                  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
                ) WITH (
                  'connector' = 'kafka',
                  'topic' = '%s',
                  'properties.bootstrap.servers' = '%s',
                  'properties.group.id' = '%s',
                  %s,
                  'format' = 'json',
                  'json.ignore-parse-errors' = 'true'
                )""".formatted(literal(topic), literal(bootstrapServers), literal(groupId), scan));
    }

    /** {@link #TURNS_PER_INTENT} over the registered {@code turns}. */
    public static Table turnsPerIntent(TableEnvironment env) {
        return env.sqlQuery(TURNS_PER_INTENT);
    }

    /** {@link #WINDOW_FIGURES} over the registered {@code turns}. */
    public static Table windowFigures(TableEnvironment env) {
        return env.sqlQuery(WINDOW_FIGURES);
    }

    /**
     * Runs both queries into print sinks (replace them with the sinks of your dashboards).
     * Usage: {@code TurnAnalyticsJob --bootstrap-servers HOST:PORT [--topic ivbot.turns] [--group ivbot-analytics]}.
     */
    public static void main(String[] args) {
        ParameterTool options = ParameterTool.fromArgs(args);
        if (!options.has("bootstrap-servers")) {
            throw new IllegalArgumentException("--bootstrap-servers is required (e.g. kafka-1:9092)");
        }
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        registerTurns(env, options.getRequired("bootstrap-servers"), options.get("topic", "ivbot.turns"),
                options.get("group", "ivbot-analytics"), false);
        env.executeSql("CREATE TABLE intent_counts (window_start TIMESTAMP(3), window_end TIMESTAMP(3), "
                + "model_version STRING, intent STRING, turns BIGINT) WITH ('connector' = 'print')");
        env.executeSql("CREATE TABLE window_figures (window_start TIMESTAMP(3), window_end TIMESTAMP(3), "
                + "model_version STRING, turns BIGINT, fallback_rate DECIMAL(38, 6), avg_latency_ms DOUBLE, "
                + "p99_latency_ms DOUBLE) WITH ('connector' = 'print')");
        StatementSet jobs = env.createStatementSet();
        jobs.addInsert("intent_counts", turnsPerIntent(env));
        jobs.addInsert("window_figures", windowFigures(env));
        jobs.execute();
    }

    /** A value inside a SQL string literal: quotes doubled, so a topic name cannot end the literal. */
    private static String literal(String value) {
        return Objects.requireNonNull(value, "value").replace("'", "''");
    }
}
