package dev.ivbot.onnx.internal;

import dev.ivbot.IvbotException;
import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.onnx.ClassifierBusyException;
import dev.ivbot.onnx.ClassifierClosedException;
import dev.ivbot.Language;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Coalesces concurrent requests into batches. Each worker takes a request and what is already queued,
 * then, while every other worker is busy, gathers more for up to {@code maxWait} or until
 * {@code maxBatch}: with a worker idle, a request that arrives is better run beside this batch than
 * held for it. The batch is split by language (one encoder each)
 * and sorted by length, and cut where lengths differ a lot so that short questions are not padded
 * to a long one. A batch holds a reference on the model version it runs on, so a swap never
 * closes a session under it.
 *
 * <p>Thread-safe.
 */
public final class Batcher implements AutoCloseable {

    /** One reading: of the input's text, or of a follow-up in the context of its topic question. */
    private record Request(ClassifierInput input, boolean followUp, CompletableFuture<Classification> future) {}

    private final BlockingQueue<Request> queue;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Function<ClassifierInput, ModelVersion> acquire;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    /** Requests submitted and not yet answered: what a training in the same process yields to. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    /** Workers waiting for a request. */
    private final java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param acquire returns the version that serves an input (with a canary, per user) with a
     *     reference taken; the batcher releases it
     */
    public Batcher(int maxBatch, long maxWaitNanos, int workerCount, int queueCapacity,
            Function<ClassifierInput, ModelVersion> acquire) {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.acquire = acquire;
        for (int i = 0; i < workerCount; i++) {
            Thread t = DaemonThreads.thread("ivbot-onnx-batch-" + (i + 1), this::work);
            workers.add(t);
            t.start();
        }
    }

    public CompletableFuture<Classification> submit(ClassifierInput input) {
        return enqueue(input, false);
    }

    /** Queues a follow-up's reading in context ({@link ModelVersion#classifyFollowUps}). */
    public CompletableFuture<Classification> submitFollowUp(ClassifierInput followUp) {
        return enqueue(followUp, true);
    }

    private CompletableFuture<Classification> enqueue(ClassifierInput input, boolean followUp) {
        CompletableFuture<Classification> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new ClassifierClosedException("onnx"));
            return future;
        }
        requests.incrementAndGet();
        pending.incrementAndGet();
        future.whenComplete((c, e) -> pending.decrementAndGet());
        if (!queue.offer(new Request(input, followUp, future))) {
            failed.incrementAndGet();
            future.completeExceptionally(new ClassifierBusyException("onnx",
                    queue.size() + queue.remainingCapacity()));
        }
        return future;
    }

    /** True while a request is queued or running. */
    public boolean busy() {
        return pending.get() > 0;
    }

    private void work() {
        List<Request> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                idle.incrementAndGet();
                Request first;
                try {
                    first = queue.take();
                } finally {
                    idle.decrementAndGet();
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                // what is already queued joins at once; waiting is only worth it for a partial batch, and
                // only while no other worker is free to run what comes next
                queue.drainTo(batch, maxBatch - batch.size());
                while (batch.size() < maxBatch && idle.get() == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Request next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                run(batch);
            } catch (InterruptedException e) {
                for (Request r : batch) {
                    fail(r, new ClassifierClosedException("onnx"));
                }
                break;
            } catch (RuntimeException | Error e) {
                for (Request r : batch) {
                    if (r.future.completeExceptionally(e)) {
                        failed.incrementAndGet();
                    }
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Request> batch) {
        Map<Language, List<Request>> byLanguage = new EnumMap<>(Language.class);
        for (Request r : batch) {
            if (!r.future.isDone()) { // the engine cancels what missed its deadline
                byLanguage.computeIfAbsent(r.input.language(), k -> new ArrayList<>()).add(r);
            }
        }
        for (List<Request> group : byLanguage.values()) {
            group.sort(Comparator.comparingInt(r -> r.input.normalized().length()));
            int start = 0;
            for (int i = 1; i <= group.size(); i++) {
                if (i == group.size() || group.get(i).input.normalized().length()
                        > 2 * group.get(start).input.normalized().length() + 8) {
                    runChunk(group.subList(start, i));
                    start = i;
                }
            }
        }
    }

    private void runChunk(List<Request> chunk) {
        // one run per version: with a canary, a chunk may hold users of both versions
        Map<ModelVersion, List<Request>> byVersion = new IdentityHashMap<>(2);
        for (Request r : chunk) {
            ModelVersion v;
            try {
                v = acquire.apply(r.input);
            } catch (RuntimeException e) {
                fail(r, e);
                continue;
            }
            List<Request> group = byVersion.get(v);
            if (group == null) {
                byVersion.put(v, group = new ArrayList<>());
            } else {
                v.release(); // one reference per group is enough
            }
            group.add(r);
        }
        byVersion.forEach(this::runOn);
    }

    private void runOn(ModelVersion model, List<Request> chunk) {
        try {
            List<Request> texts = new ArrayList<>(chunk.size());
            List<Request> followUps = new ArrayList<>();
            for (Request r : chunk) {
                (r.followUp ? followUps : texts).add(r);
            }
            List<Classification> read = texts.isEmpty() ? List.of() : model.classify(inputsOf(texts));
            List<Classification> composed = followUps.isEmpty() ? List.of() : model.classifyFollowUps(inputsOf(followUps));
            // counted before anyone is answered, so that a caller's next look at the metrics includes it
            batches.incrementAndGet();
            complete(texts, read);
            complete(followUps, composed);
        } catch (Exception e) {
            IvbotException failure = new IvbotException("ONNX model " + model.version() + " failed: " + e, e);
            chunk.forEach(r -> fail(r, failure));
        } finally {
            model.release();
        }
    }

    private static List<ClassifierInput> inputsOf(List<Request> requests) {
        List<ClassifierInput> inputs = new ArrayList<>(requests.size());
        for (Request r : requests) {
            inputs.add(r.input);
        }
        return inputs;
    }

    private static void complete(List<Request> requests, List<Classification> results) {
        for (int i = 0; i < requests.size(); i++) {
            requests.get(i).future.complete(results.get(i));
        }
    }

    private void fail(Request r, Throwable t) {
        if (r.future.completeExceptionally(t)) {
            failed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Request r;
        while ((r = queue.poll()) != null) {
            fail(r, new ClassifierClosedException("onnx"));
        }
    }
}
