package dev.ivbot.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.onnx.TrainingCancelledException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacing that keeps training and gate scoring out of the way of turns, on a clock the test moves. */
class ServingPacerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger busyChecks = new AtomicInteger();
    private int busyForChecks = Integer.MAX_VALUE;

    /** Each look at the serving side is a millisecond later; the turns finish after {@code busyForChecks} looks. */
    private final ServingPacer pacer = new ServingPacer(() -> {
        clock.addAndGet(MS);
        return busy.get() && busyChecks.incrementAndGet() <= busyForChecks;
    }, clock::get);

    @Test
    void workRunsAtOnceWhileNoTurnWaits() {
        long before = clock.get();
        pacer.yieldToServing();
        pacer.yieldToServing();
        assertThat(pacer.pausedNanos()).isZero();
        assertThat(clock.get() - before).as("only the two looks").isEqualTo(2 * MS);
    }

    @Test
    void aStepWaitsUntilTheWaitingTurnsAreAnswered() {
        busy.set(true);
        busyForChecks = 6;
        pacer.yieldToServing();
        assertThat(pacer.pausedNanos()).isEqualTo(6 * MS);
        assertThat(busyChecks.get()).isEqualTo(7);
    }

    @Test
    void underASteadyLoadTheWorkWaitsAtMostTheMaximumThenRunsForAQuantum() {
        busy.set(true);
        pacer.yieldToServing();
        long firstPause = pacer.pausedNanos();
        assertThat(firstPause).isBetween(ServingPacer.MAX_PAUSE_NANOS, ServingPacer.MAX_PAUSE_NANOS + MS);

        // within the quantum that follows, steps run without looking
        int looks = busyChecks.get();
        clock.addAndGet(ServingPacer.RUN_QUANTUM_NANOS - 2 * MS);
        pacer.yieldToServing();
        assertThat(pacer.pausedNanos()).isEqualTo(firstPause);
        assertThat(busyChecks.get()).isEqualTo(looks);

        // after it, the next step gives way again
        clock.addAndGet(2 * MS);
        pacer.yieldToServing();
        assertThat(pacer.pausedNanos()).isGreaterThanOrEqualTo(firstPause + ServingPacer.MAX_PAUSE_NANOS);
    }

    @Test
    void anInterruptWhileWaitingCancelsTheWork() {
        busy.set(true);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(pacer::yieldToServing).isInstanceOf(TrainingCancelledException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void thePacerForWorkWithNothingServedBesideItNeverWaits() {
        ServingPacer.NEVER_BUSY.yieldToServing();
        assertThat(ServingPacer.NEVER_BUSY.pausedNanos()).isZero();
    }
}
