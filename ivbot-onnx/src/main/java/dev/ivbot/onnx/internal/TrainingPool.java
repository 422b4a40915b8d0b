package dev.ivbot.onnx.internal;

import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.onnx.TrainingCancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The threads one training runs on: every encoder batch and every head fit, side by side. The
 * encoders a training opens run with one ONNX Runtime thread each (ONNX Runtime then computes on
 * the calling thread, one of these), so that every step of the training runs here and can give
 * way to turns through the pool's {@link ServingPacer}.
 *
 * <p>Whoever creates a pool closes it. {@link #all} may be called from one thread at a time.
 */
public final class TrainingPool implements AutoCloseable {

    private final ExecutorService executor;
    private final ServingPacer pacer;

    /** A pool that never waits: nothing is served beside it. */
    public TrainingPool(int threads) {
        this(threads, ServingPacer.NEVER_BUSY);
    }

    /** A pool whose tasks pace their steps with {@code pacer}. */
    public TrainingPool(int threads, ServingPacer pacer) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.pacer = pacer;
        this.executor = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("ivbot-training-"));
    }

    /** What each step of this pool's tasks calls first. */
    public ServingPacer pacer() {
        return pacer;
    }

    /**
     * Runs the tasks side by side and returns their results in the order of {@code tasks}, so the
     * outcome does not depend on the scheduling. When the calling thread is interrupted or a task
     * fails, the tasks not started are dropped and this returns only after the running ones have
     * finished (an ONNX session must not be closed under a batch), and the pool takes no more work.
     *
     * @throws TrainingCancelledException if the calling thread is interrupted
     */
    public <T> List<T> all(List<? extends Callable<T>> tasks) {
        if (Thread.currentThread().isInterrupted()) {
            throw new TrainingCancelledException();
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        boolean completed = false;
        try {
            for (Callable<T> task : tasks) {
                futures.add(executor.submit(task));
            }
            List<T> out = new ArrayList<>(tasks.size());
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            completed = true;
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingCancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a training task failed: " + cause, cause);
        } finally {
            if (!completed) {
                stopAndWait();
            }
        }
    }

    private void stopAndWait() {
        executor.shutdownNow();
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("training threads still running a minute after they were stopped");
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the threads, after the tasks they are running. */
    @Override
    public void close() {
        stopAndWait();
    }
}
