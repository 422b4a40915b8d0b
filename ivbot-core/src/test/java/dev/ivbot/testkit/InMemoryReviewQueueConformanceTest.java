package dev.ivbot.testkit;

import dev.ivbot.spi.ReviewQueue;
import java.time.Duration;
import java.time.InstantSource;

class InMemoryReviewQueueConformanceTest extends ReviewQueueConformanceKit {
    @Override
    protected ReviewQueue create(int capacity, Duration retention, InstantSource clock) {
        return ReviewQueue.inMemory(capacity, retention, clock);
    }
}
