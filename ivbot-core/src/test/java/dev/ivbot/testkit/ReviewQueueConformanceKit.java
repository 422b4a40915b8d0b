package dev.ivbot.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.spi.ReviewReason;
import dev.ivbot.spi.ScoredIntent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link ReviewQueue} must do: order, bound, retention, removal, the JSON round trip. */
public abstract class ReviewQueueConformanceKit {

    /** A new, empty queue of at most {@code capacity} items kept {@code retention} by {@code clock}. */
    protected abstract ReviewQueue create(int capacity, Duration retention, InstantSource clock);

    protected static ReviewItem item(String id, Instant time) {
        return new ReviewItem(id, "电话<phone>的问题 " + id, Language.ZH, "s-" + id,
                List.of(new ScoredIntent("leave_policy", 0.41), new ScoredIntent("salary", 0.2)), null,
                ReviewReason.LOW_CONFIDENCE, "onnx/v1", "kb-1", time);
    }

    @Test
    void keepsItemsOldestFirstWithEveryField() {
        MutableClock clock = MutableClock.start();
        try (ReviewQueue q = create(10, Duration.ofDays(30), clock)) {
            ReviewItem first = item("a", clock.instant());
            clock.advance(Duration.ofSeconds(1));
            ReviewItem second = item("b", clock.instant());
            q.add(second);
            q.add(first);
            assertThat(q.items()).containsExactly(first, second);
            assertThat(q.size()).isEqualTo(2);
        }
    }

    @Test
    void theBoundDropsTheOldest() {
        MutableClock clock = MutableClock.start();
        try (ReviewQueue q = create(3, Duration.ofDays(30), clock)) {
            for (int i = 0; i < 5; i++) {
                q.add(item("i" + i, clock.instant()));
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(q.items()).extracting(ReviewItem::id).containsExactly("i2", "i3", "i4");
        }
    }

    @Test
    void itemsExpireAfterTheRetention() {
        MutableClock clock = MutableClock.start();
        try (ReviewQueue q = create(100, Duration.ofDays(30), clock)) {
            q.add(item("old", clock.instant()));
            clock.advance(Duration.ofDays(20));
            q.add(item("young", clock.instant()));
            clock.advance(Duration.ofDays(10).plusSeconds(1));
            assertThat(q.items()).extracting(ReviewItem::id).containsExactly("young");
            clock.advance(Duration.ofDays(20));
            assertThat(q.items()).isEmpty();
            assertThat(q.size()).isZero();
        }
    }

    @Test
    void removesReviewedItems() {
        MutableClock clock = MutableClock.start();
        try (ReviewQueue q = create(10, Duration.ofDays(30), clock)) {
            q.add(item("a", clock.instant()));
            q.add(item("b", clock.instant()));
            assertThat(q.remove(List.of("a", "nope"))).isEqualTo(1);
            assertThat(q.items()).extracting(ReviewItem::id).containsExactly("b");
        }
    }

    @Test
    void jsonRoundTrip() {
        ReviewItem i = item("x", Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(ReviewItem.fromJson(i.toJson(), "0")).isEqualTo(i);
        assertThat(ReviewItem.fromJson("{\"text\": \"有体检吗\", \"intent\": \"medical_exam\"}", "7"))
                .satisfies(r -> {
                    assertThat(r.id()).isEqualTo("7");
                    assertThat(r.language()).isEqualTo(Language.ZH);
                });
    }
}
