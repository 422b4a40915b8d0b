package dev.ivbot.onnx.internal;

import dev.ivbot.onnx.TrainingCancelledException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Makes background model work (training a new version, scoring a candidate on the gate) give way
 * to turns that wait for the model in the same process.
 *
 * <p>A server retrains while it answers turns, and on a small machine (2 cores) work that takes a
 * core for seconds pushes turns past their deadline. So each step of that work (an encoder batch,
 * a head's mini-batch, a gate batch) first calls {@link #yieldToServing()}: while turns are waiting
 * for the model, the step waits too, at most {@link #MAX_PAUSE_NANOS}, and then the work runs for
 * at least {@link #RUN_QUANTUM_NANOS} before it gives way again, so it still finishes under a steady
 * load.
 *
 * <p>Why not a lower OS priority for the training threads: a Java thread at nice 19 that the
 * kernel leaves waiting while other processes are busy holds up every safepoint of the JVM, and
 * with it every turn (measured: 470 ms to reach a safepoint in {@code scripts/kb-edit-scenario.py},
 * with 8 turns answered late at once).
 *
 * <p>Thread-safe: one pacer serves all the threads of a piece of work, which share the quantum.
 */
public final class ServingPacer {

    /** The longest a step waits for turns to finish before it runs anyway. */
    public static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long the work runs after a pause before it gives way again. */
    public static final long RUN_QUANTUM_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** For work with nothing served beside it: never waits. */
    public static final ServingPacer NEVER_BUSY = new ServingPacer(() -> false, System::nanoTime);

    private final BooleanSupplier servingBusy;
    private final LongSupplier clock;
    private final LongAdder pausedNanos = new LongAdder();
    /** Until when the work runs without looking; the creation time until the first pause. */
    private volatile long runUntil;

    /**
     * @param servingBusy true while turns wait for the model in this process
     * @param clock nanoseconds, as {@link System#nanoTime()}
     */
    public ServingPacer(BooleanSupplier servingBusy, LongSupplier clock) {
        this.servingBusy = servingBusy;
        this.clock = clock;
        this.runUntil = clock.getAsLong();
    }

    /**
     * Called before each step: returns at once unless turns are waiting and the last pause ended
     * more than {@link #RUN_QUANTUM_NANOS} ago; otherwise waits until no turn is waiting, or
     * {@link #MAX_PAUSE_NANOS}.
     *
     * @throws TrainingCancelledException if the thread is interrupted while it waits
     */
    public void yieldToServing() {
        long now = clock.getAsLong();
        if (now - runUntil < 0 || !servingBusy.getAsBoolean()) {
            return;
        }
        long start = now;
        while (servingBusy.getAsBoolean() && now - start < MAX_PAUSE_NANOS) {
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new TrainingCancelledException();
            }
            now = clock.getAsLong();
        }
        pausedNanos.add(now - start);
        runUntil = now + RUN_QUANTUM_NANOS;
    }

    /** Time the steps spent waiting for turns, summed over the threads that called {@link #yieldToServing()}. */
    public long pausedNanos() {
        return pausedNanos.sum();
    }
}
