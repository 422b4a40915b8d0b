package dev.ivbot.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told, for TTL and deadline tests without sleeping. Where an API takes
 * a {@link java.time.Clock}, pass {@code withZone(ZoneOffset.UTC)}: that clock reads this one.
 *
 * <p>Thread-safe.
 */
public final class MutableClock implements InstantSource {

    private final AtomicLong nanos;

    public MutableClock(Instant start) {
        this.nanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
    }

    /** A clock starting at 2025-01-01T00:00:00Z. */
    public static MutableClock start() {
        return new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** Sets the time, forwards or back (a clock set back is a case some tests need). */
    public void set(Instant instant) {
        nanos.set(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
    }

    @Override
    public Instant instant() {
        long n = nanos.get();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }
}
