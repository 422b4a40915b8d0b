package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import dev.ivbot.spi.SessionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Sends turns through engines from worker threads while a test breaks the master, then checks that
 * every acknowledged turn is in its session. Each worker owns its sessions and sends their turns one
 * after the other, so the expected turn counter of each session is exact.
 */
final class FailoverDriver {

    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong busy = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final LongAccumulator longestWaitNanos = new LongAccumulator(Math::max, 0);
    /** The longest stretch in which no turn at all was acknowledged: what a user saw as the outage. */
    final LongAccumulator longestGapNanos = new LongAccumulator(Math::max, 0);
    private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
    /** Start and end times (nanoTime) of turns that got the busy reply. */
    final List<long[]> busyTurns = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> ackedPerSession = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code workersPerEngine} threads per engine, each cycling through {@code sessionsPerWorker} sessions. */
    void start(List<DialogEngine> engines, int workersPerEngine, int sessionsPerWorker, String prefix) {
        lastAckNanos.set(System.nanoTime());
        int w = 0;
        for (DialogEngine engine : engines) {
            for (int i = 0; i < workersPerEngine; i++) {
                List<String> sessions = new ArrayList<>();
                for (int s = 0; s < sessionsPerWorker; s++) {
                    sessions.add(prefix + "-w" + w + "-s" + s);
                }
                int worker = w++;
                Thread t = new Thread(() -> run(engine, sessions, worker), "failover-worker-" + worker);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
    }

    private void run(DialogEngine engine, List<String> sessions, int worker) {
        long i = 0;
        while (!stop.get()) {
            String sid = sessions.get((int) (i % sessions.size()));
            String text = TestEngines.QUESTIONS[(int) ((i + worker) % TestEngines.QUESTIONS.length)];
            i++;
            long start = System.nanoTime();
            sent.incrementAndGet();
            try {
                Reply r = engine.chat(ChatRequest.of("user-" + worker, sid, text));
                longestWaitNanos.accumulate(System.nanoTime() - start);
                if (r.fallbackReason() == FallbackReason.STORE_BUSY) {
                    busy.incrementAndGet();
                    busyTurns.add(new long[] {start, System.nanoTime()});
                } else {
                    acked.incrementAndGet();
                    long now = System.nanoTime();
                    longestGapNanos.accumulate(now - lastAckNanos.getAndSet(now));
                    long expected = ackedPerSession.merge(sid, 1L, Long::sum);
                    if (r.turn() != expected) {
                        failures.add(new AssertionError("session " + sid + " reply turn " + r.turn() + ", expected "
                                + expected));
                    }
                }
            } catch (RuntimeException e) {
                longestWaitNanos.accumulate(System.nanoTime() - start);
                errors.incrementAndGet();
                failures.add(e);
            }
        }
    }

    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Turns acknowledged but missing from their session as stored now. */
    /**
     * After a failover: lets 300 more turns through, stops, prints the figures, and checks that no
     * turn failed, none was lost and every busy reply fell inside the failover window.
     */
    void finishAndCheckNothingLost(String scenario, DialogEngine reader, long killedAt, long recoveredAt,
            String extra) throws InterruptedException {
        long ackedAtRecovery = acked.get();
        RedisProcesses.awaitCondition(Duration.ofSeconds(30), () -> acked.get() >= ackedAtRecovery + 300,
                "turns to flow after the failover");
        stop();
        long lost = lost(reader);
        System.out.println(figures(scenario, lost) + " failover_ms="
                + Duration.ofNanos(recoveredAt - killedAt).toMillis() + extra);
        assertThat(failures).isEmpty();
        assertThat(lost).isZero();
        // busy replies only inside the window: answered after the kill, asked before the recovery
        assertThat(busyTurns).allSatisfy(t -> {
            assertThat(t[1]).isGreaterThanOrEqualTo(killedAt);
            assertThat(t[0]).isLessThanOrEqualTo(recoveredAt);
        });
    }

    long lost(DialogEngine reader) {
        long lost = 0;
        for (Map.Entry<String, Long> e : ackedPerSession.entrySet()) {
            String sid = e.getKey();
            String user = "user-" + sid.substring(sid.indexOf("-w") + 2, sid.indexOf("-s"));
            long stored = reader.session(user, sid).map(SessionState::turns).orElse(0L);
            if (stored < e.getValue()) {
                lost += e.getValue() - stored;
            }
            if (stored != e.getValue()) {
                failures.add(new AssertionError("session " + sid + " stored turns " + stored + ", acknowledged "
                        + e.getValue()));
            }
        }
        return lost;
    }

    String figures(String scenario, long lost) {
        return String.format("failover scenario=%s turns_sent=%d acknowledged=%d busy=%d errors=%d lost=%d "
                + "longest_wait_ms=%d longest_unanswered_ms=%d sessions=%d", scenario, sent.get(), acked.get(), busy.get(),
                errors.get(), lost, TimeUnit.NANOSECONDS.toMillis(longestWaitNanos.get()),
                TimeUnit.NANOSECONDS.toMillis(longestGapNanos.get()), ackedPerSession.size());
    }
}
