package dev.ivbot.cli;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.benchmarks.Latencies;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a {@link DialogEngine} from several threads as many candidates would: each thread owns a
 * range of sessions and sends them realistic questions (the KB's examples and bare follow-ups), as
 * fast as it can or at a fixed offered rate. Latency is measured around {@code chat()}.
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
public final class LoadDriver {

    /** What one run measured. */
    public record Result(long turns, double seconds, double p50Millis, double p99Millis, long errors) {
        public double turnsPerSecond() {
            return turns / seconds;
        }

        public String line(String scenario) {
            return String.format(Locale.ROOT, "scenario=%s turns_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d",
                    scenario, turnsPerSecond(), p50Millis, p99Millis, errors);
        }
    }

    private static final List<String> FOLLOW_UPS = List.of("那病假呢", "社招呢", "实习生呢", "上海呢", "那婚假呢",
            "校招的话呢", "北京呢", "what about interns?", "and sick leave?", "what about shanghai?");

    private final DialogEngine engine;
    private final List<String> questions;
    private final int sessions;

    public LoadDriver(DialogEngine engine, List<String> questions, int sessions) {
        this.engine = engine;
        this.questions = List.copyOf(questions);
        this.sessions = sessions;
    }

    /** The KB's examples in both languages plus follow-ups: what candidates type. */
    public static List<String> realisticQuestions(KnowledgeBase kb) {
        List<String> out = new ArrayList<>();
        for (Intent intent : kb.intents().values()) {
            for (Language language : Language.values()) {
                out.addAll(intent.examples(language));
            }
        }
        for (int i = 0; i < Math.max(1, out.size() / 10); i++) {
            out.add(FOLLOW_UPS.get(i % FOLLOW_UPS.size()));
        }
        return out;
    }

    /**
     * Runs {@code threads} threads for {@code seconds} after a warm-up of {@code warmupSeconds}.
     *
     * @param offeredPerSecond total offered rate, or 0 for as fast as possible
     */
    public Result run(int threads, double warmupSeconds, double seconds, double offeredPerSecond)
            throws InterruptedException {
        if (warmupSeconds > 0) {
            drive(threads, warmupSeconds, offeredPerSecond);
        }
        return drive(threads, seconds, offeredPerSecond);
    }

    private Result drive(int threads, double seconds, double offeredPerSecond) throws InterruptedException {
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        AtomicLong errors = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long durationNanos = (long) (seconds * 1e9);
        long[] startedAt = new long[1];
        for (int t = 0; t < threads; t++) {
            int worker = t;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(1234 + worker);
                long[] mine = new long[1 << 16];
                int n = 0;
                int perThreadSessions = Math.max(1, sessions / threads);
                double intervalNanos = offeredPerSecond > 0 ? threads * 1e9 / offeredPerSecond : 0;
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long begin = startedAt[0];
                long end = begin + durationNanos;
                long next = begin;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    if (intervalNanos > 0) {
                        // open-loop pacing: latency counts from the scheduled send time
                        while (now < next) {
                            Thread.onSpinWait();
                            now = System.nanoTime();
                        }
                        now = next;
                        next += (long) intervalNanos;
                    }
                    int session = worker * perThreadSessions + random.nextInt(perThreadSessions);
                    String text = questions.get(random.nextInt(questions.size()));
                    try {
                        engine.chat(ChatRequest.of("u" + session, "s" + session, text));
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = System.nanoTime() - now;
                }
                latencies[worker] = mine;
                counts[worker] = n;
            }, "load-" + t);
            workers.add(thread);
            thread.start();
        }
        startedAt[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : workers) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - startedAt[0]) / 1e9;
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int pos = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, pos, counts[t]);
            pos += counts[t];
        }
        Arrays.sort(all);
        return new Result(total, elapsed, Latencies.percentileMillis(all, 50), Latencies.percentileMillis(all, 99),
                errors.get());
    }
}
