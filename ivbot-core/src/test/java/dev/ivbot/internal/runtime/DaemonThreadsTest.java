package dev.ivbot.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void everyThreadIsAnUnstartedDaemonWithTheNameItWasGiven() {
        Thread t = DaemonThreads.thread("ivbot-x", () -> {});
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("ivbot-x");
        assertThat(t.getState()).isEqualTo(Thread.State.NEW);
        assertThat(DaemonThreads.named("ivbot-y").newThread(() -> {}).getName()).isEqualTo("ivbot-y");
    }

    @Test
    void numberedFactoriesCountFromOneEachOnItsOwn() {
        ThreadFactory a = DaemonThreads.numbered("ivbot-a-");
        ThreadFactory b = DaemonThreads.numbered("ivbot-b-");
        assertThat(a.newThread(() -> {}).getName()).isEqualTo("ivbot-a-1");
        assertThat(a.newThread(() -> {}).getName()).isEqualTo("ivbot-a-2");
        assertThat(b.newThread(() -> {}).getName()).isEqualTo("ivbot-b-1");
    }

    @Test
    void backgroundThreadsRunAtMinimumPrioritySoTheyNeverSlowTurns() {
        Thread t = DaemonThreads.background("ivbot-training").newThread(() -> {});
        assertThat(t.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(t.isDaemon()).isTrue();
    }
}
