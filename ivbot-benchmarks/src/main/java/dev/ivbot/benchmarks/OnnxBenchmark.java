package dev.ivbot.benchmarks;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelMetrics;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.onnx.internal.ModelVersion;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The {@code onnx-memory} benchmark: turns through a {@link DialogEngine} (in-memory sessions,
 * classification cache off so every turn reaches the model) with the ONNX classifier as primary,
 * against plain ONNX Runtime on the same model and questions (the KB's examples) at its best batch
 * size. Three phases: raw model per batch size; saturation with many client threads (turns/s);
 * then an open-loop run at a fixed offered rate (latency percentiles, measured from the scheduled
 * send time so that queueing counts).
 *
 * <p>Not thread-safe; run one at a time (it owns the machine while it runs).
 */
public final class OnnxBenchmark {

    /**
     * @param kb the knowledge base (questions and, without a repository, the model)
     * @param repository a model repository, or null to train a model in memory first
     * @param phase seconds of each measured phase
     * @param clients client threads in the saturation phase
     * @param offeredPerSecond the open-loop rate for the latency phase
     * @param intraOpThreads ONNX Runtime threads per run
     * @param workers batch workers
     */
    public record Options(KnowledgeBase kb, @Nullable Path repository, Duration phase, int clients,
            int offeredPerSecond, int intraOpThreads, int workers) {
        public Options {
            Objects.requireNonNull(kb, "kb");
            Objects.requireNonNull(phase, "phase");
            if (clients < 1 || offeredPerSecond < 1 || intraOpThreads < 1 || workers < 1) {
                throw new IllegalArgumentException("clients, offeredPerSecond, intraOpThreads and workers must be positive");
            }
        }

        public static Options defaults(KnowledgeBase kb, @Nullable Path repository) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Options(kb, repository, Duration.ofSeconds(8), 64, 500, Math.max(1, cores / 2),
                    Math.max(1, Math.min(2, cores)));
        }
    }

    /** The figures; {@link #toString()} is the one-line {@code key=value} form the CLI prints. */
    public record Result(double turnsPerSecond, double p50Millis, double p99Millis, long errors,
            double rawModelPerSecond, int rawBestBatch, double meanBatchSize, int offeredPerSecond) {
        public double ratio() {
            return rawModelPerSecond == 0 ? 0 : turnsPerSecond / rawModelPerSecond;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "scenario=onnx-memory turns_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d "
                    + "raw_model_per_s=%.0f ratio=%.3f raw_best_batch=%d mean_batch=%.1f offered_per_s=%d",
                    turnsPerSecond, p50Millis, p99Millis, errors, rawModelPerSecond, ratio(), rawBestBatch,
                    meanBatchSize, offeredPerSecond);
        }
    }

    private OnnxBenchmark() {}

    /** Runs the three phases, printing progress to {@code out}; the last line printed is the result. */
    public static Result run(Options o, PrintStream out) throws InterruptedException {
        List<String> questions = new ArrayList<>();
        for (Intent intent : o.kb().intents().values()) {
            questions.addAll(intent.examplesZh());
            questions.addAll(intent.examplesEn());
        }
        OnnxIntentClassifier.Builder b = OnnxIntentClassifier.builder().knowledgeBase(o.kb()).watch(false)
                .trainIfMissing(true)
                .pollInterval(Duration.ZERO).intraOpThreads(o.intraOpThreads()).workers(o.workers());
        if (o.repository() != null) {
            b.repository(o.repository());
        }
        out.println("loading the model" + (o.repository() == null ? " (training it first)" : ""));
        OnnxIntentClassifier classifier = b.build();

        // raw ONNX Runtime on the serving version's sessions: tokenise + run + pool, no head, no batching
        double raw = 0;
        int rawBatch = 0;
        ModelVersion model = ModelVersion.load(classifier.repository().resolve(ModelRepository.DEFAULT_MODEL)
                .resolve(classifier.servingVersion()), o.intraOpThreads());
        try {
            List<String> zh = new ArrayList<>();
            List<String> en = new ArrayList<>();
            for (String q : questions) {
                (Language.detect(q) == Language.ZH ? zh : en).add(TextNormalizer.normalize(q));
            }
            for (int batch : new int[] {1, 8, 16, 32, 64}) {
                // as many callers as the classifier has batch workers, each with the same ONNX threads
                long end = System.nanoTime() + o.phase().toNanos() / 4;
                AtomicLong doneCount = new AtomicLong();
                AtomicLong failures = new AtomicLong();
                long start = System.nanoTime();
                List<Thread> callers = new ArrayList<>();
                for (int w = 0; w < o.workers(); w++) {
                    int offset = w * 7919;
                    Thread t = new Thread(() -> {
                        int i = offset;
                        while (System.nanoTime() < end) {
                            List<String> pool = (i / batch) % 2 == 0 ? zh : en;
                            List<String> chunk = new ArrayList<>(batch);
                            for (int k = 0; k < batch; k++) {
                                chunk.add(pool.get((i + k) % pool.size()));
                            }
                            try {
                                model.embed(chunk, pool == zh ? Language.ZH : Language.EN);
                            } catch (Exception e) {
                                failures.incrementAndGet();
                                return;
                            }
                            i += batch;
                            doneCount.addAndGet(batch);
                        }
                    });
                    callers.add(t);
                    t.start();
                }
                for (Thread t : callers) {
                    t.join();
                }
                if (failures.get() > 0) {
                    throw new IllegalStateException("raw ONNX Runtime runs failed");
                }
                long done = doneCount.get();
                double perSecond = done / ((System.nanoTime() - start) / 1e9);
                out.printf(Locale.ROOT, "raw ONNX Runtime batch=%d: %.0f questions/s%n", batch, perSecond);
                if (perSecond > raw) {
                    raw = perSecond;
                    rawBatch = batch;
                }
            }
        } finally {
            model.release();
        }

        try (classifier; DialogEngine engine = DialogEngine.builder().knowledgeBase(o.kb()).primaryClassifier(classifier)
                .classificationCacheSize(0).build()) {
            AtomicLong errors = new AtomicLong();
            // saturation: closed loop with many clients
            saturate(engine, questions, o.clients(), Duration.ofSeconds(1), errors); // warm-up
            long batchesBefore = classifier.metrics().batches();
            long requestsBefore = classifier.metrics().requests();
            errors.set(0);
            long start = System.nanoTime();
            long turns = saturate(engine, questions, o.clients(), o.phase(), errors);
            double turnsPerSecond = turns / ((System.nanoTime() - start) / 1e9);
            ModelMetrics m = classifier.metrics();
            double meanBatch = (double) (m.requests() - requestsBefore) / Math.max(1, m.batches() - batchesBefore);
            out.printf(Locale.ROOT, "saturation with %d clients: %.0f turns/s, mean batch %.1f%n", o.clients(),
                    turnsPerSecond, meanBatch);

            // open loop at the offered rate
            int n = (int) (o.offeredPerSecond() * o.phase().toSeconds());
            AtomicLongArray latencies = new AtomicLongArray(n);
            ExecutorService pool = Executors.newFixedThreadPool(64);
            long interval = 1_000_000_000L / o.offeredPerSecond();
            long t0 = System.nanoTime() + 10_000_000;
            for (int i = 0; i < n; i++) {
                long at = t0 + i * interval;
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int k = i;
                pool.execute(() -> {
                    try {
                        // a user per session: one user with 1000 sessions would pass the store's cap per user
                        engine.chat(ChatRequest.of("bench-" + (k % 1000), "open-" + (k % 1000),
                                questions.get(k % questions.size())));
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                    latencies.set(k, System.nanoTime() - at);
                });
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            long[] sorted = new long[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = latencies.get(i);
            }
            Arrays.sort(sorted);
            double p50 = Latencies.percentileMillis(sorted, 50);
            double p99 = Latencies.percentileMillis(sorted, 99);
            out.printf(Locale.ROOT, "open loop at %d turns/s: p50 %.2f ms, p99 %.2f ms%n", o.offeredPerSecond(), p50, p99);
            Result result = new Result(turnsPerSecond, p50, p99, errors.get(), raw, rawBatch, meanBatch,
                    o.offeredPerSecond());
            out.println(result);
            return result;
        }
    }

    private static long saturate(DialogEngine engine, List<String> questions, int clients, Duration duration,
            AtomicLong errors) throws InterruptedException {
        AtomicLong turns = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    int i = next.getAndIncrement();
                    try {
                        Reply r = engine.chat(ChatRequest.of("bench-" + id, "sat-" + id + "-" + (i % 50),
                                questions.get(i % questions.size())));
                        if (r.degraded()) {
                            errors.incrementAndGet();
                        }
                        turns.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            });
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return turns.get();
    }
}
