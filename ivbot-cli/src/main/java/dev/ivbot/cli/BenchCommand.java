package dev.ivbot.cli;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.benchmarks.OnnxBenchmark;
import dev.ivbot.benchmarks.RulesRedisBenchmark;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.SessionStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ivbot bench}: throughput and latency of DialogEngine in a named scenario. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark DialogEngine; the last line holds scenario=… turns_per_s=… p50_ms=… p99_ms=… errors=…")
final class BenchCommand implements Callable<Integer> {

    static final List<String> SCENARIOS = List.of("rules-memory", "onnx-memory", "rules-redis", "model-swaps");

    @Mixin
    EngineOptions options;

    @Option(names = "--scenario", required = true, paramLabel = "NAME", description = "rules-memory, onnx-memory, rules-redis, model-swaps (memory over 20 model swaps); http (the example server over HTTP: ./ivbot bench --scenario http --help).")
    String scenario;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds (after a warm-up of a third of that, at least 2 s).")
    double seconds;

    @Option(names = "--threads", description = "Client threads calling chat() (default 2); for rules-redis, turns kept in flight through chatAsync (default 32).")
    Integer threads;

    @Option(names = "--redis", paramLabel = "URI", description = "rules-redis: an existing server (default: start a local redis-server).")
    String redis;

    @Option(names = "--replica-acks", defaultValue = "0", paramLabel = "N", description = "rules-redis: replicas each save waits for (WAIT); with the local server, that many replicas are started.")
    int replicaAcks;

    @Option(names = "--sessions", defaultValue = "10000", description = "Distinct sessions.")
    int sessions;

    @Option(names = "--rate", defaultValue = "0", description = "Offered turns per second in total (0: as fast as possible).")
    double rate;

    @Option(names = "--swaps", defaultValue = "20", description = "model-swaps: how many versions to swap in.")
    int swaps;

    @Option(names = "--no-cache", description = "Disable the classification cache, so every turn is classified.")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("--scenario must be one of " + SCENARIOS + " or http (write it as "
                    + "./ivbot bench --scenario http), was '" + scenario + "'");
        }
        if (replicaAcks < 0) {
            throw new IllegalArgumentException("--replica-acks must not be negative");
        }
        if (threads != null && threads < 1 || seconds <= 0 || sessions < 1) {
            throw new IllegalArgumentException("--threads, --seconds and --sessions must be positive");
        }
        KnowledgeBase kb = options.loadKnowledgeBase();
        if (scenario.equals("rules-redis")) {
            RulesRedisBenchmark.Config defaults = RulesRedisBenchmark.Config.defaults();
            RulesRedisBenchmark.Config config = new RulesRedisBenchmark.Config(redis,
                    threads == null ? defaults.threads() : threads, sessions, defaults.warmup(),
                    java.time.Duration.ofMillis((long) (seconds * 1000)), defaults.redisBenchmarkRequests(), replicaAcks);
            RulesRedisBenchmark.run(config, store -> DialogEngine.builder().knowledgeBase(kb).sessionStore(store)
                    .primaryClassifier(RuleClassifier.factory()).classificationCacheSize(noCache ? 0 : 10_000).build(),
                    System.out);
            return 0;
        }
        if (scenario.equals("model-swaps")) {
            java.nio.file.Path repository = options.modelRepository(kb);
            ClassifierSetup.model(kb, repository, System.err).close(); // trains on first use
            ModelSwapBenchmark.run(kb, repository, swaps, System.out);
            return 0;
        }
        if (scenario.equals("onnx-memory")) {
            java.nio.file.Path repository = options.modelRepository(kb);
            ClassifierSetup.model(kb, repository, System.err).close(); // trains on first use
            OnnxBenchmark.Options defaults = OnnxBenchmark.Options.defaults(kb, repository);
            OnnxBenchmark.run(new OnnxBenchmark.Options(kb, repository, java.time.Duration.ofMillis((long) (seconds * 1000)),
                    defaults.clients(), rate > 0 ? (int) rate : defaults.offeredPerSecond(), defaults.intraOpThreads(),
                    defaults.workers()), System.out);
            return 0;
        }
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(kb).sessionStore(SessionStore.inMemory())
                .primaryClassifier(RuleClassifier.factory()).classificationCacheSize(noCache ? 0 : 10_000).build()) {
            int clients = threads == null ? 2 : threads;
            LoadDriver driver = new LoadDriver(engine, LoadDriver.realisticQuestions(kb), sessions);
            System.out.printf("bench %s: %d threads, %d sessions, %.0f s (+ warm-up), %s, cache %s%n", scenario,
                    threads, sessions, seconds, rate > 0 ? rate + " turns/s offered" : "closed loop",
                    noCache ? "off" : "on");
            LoadDriver.Result result = driver.run(clients, Math.max(2, seconds / 3), seconds, rate);
            System.out.println(result.line(scenario));
        }
        return 0;
    }
}
