package dev.ivbot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.testkit.MutableClock;
import dev.ivbot.testkit.ReviewQueueConformanceKit;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis review queue against the shared kit on a real server; retention follows the injected clock. */
class RedisReviewQueueIntegrationTest extends ReviewQueueConformanceKit {

    private static RedisProcesses redis;
    private static RedisProcesses.Node server;

    @BeforeAll
    static void startServer() {
        redis = new RedisProcesses();
        server = redis.server();
    }

    @AfterAll
    static void stopServer() {
        redis.close();
    }

    @Override
    protected ReviewQueue create(int capacity, Duration retention, InstantSource clock) {
        // a fresh name per queue: the kit's tests share the server
        return RedisReviewQueue.create(RedisURI.create(server.uri()), "t-" + UUID.randomUUID(), capacity, retention, clock);
    }

    @Test
    void twoServersShareOneQueue() {
        MutableClock clock = MutableClock.start();
        String name = "shared-" + UUID.randomUUID();
        try (ReviewQueue a = RedisReviewQueue.create(RedisURI.create(server.uri()), name, 10, Duration.ofDays(30), clock);
                ReviewQueue b = RedisReviewQueue.create(RedisURI.create(server.uri()), name, 10, Duration.ofDays(30), clock)) {
            a.add(item("from-a", clock.instant()));
            assertThat(b.items()).extracting(i -> i.id()).containsExactly("from-a");
        }
    }
}
