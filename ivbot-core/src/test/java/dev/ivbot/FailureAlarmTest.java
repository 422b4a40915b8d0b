package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.MutableClock;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FailureAlarmTest {

    @Test
    void alarmIsRaisedOnceWhenFallbacksPassTheThresholdAndClearedWhenTheWindowMovesOn() {
        MutableClock clock = MutableClock.start();
        List<String> crossings = new CopyOnWriteArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).clock(clock)
                .failureAlarm(0.05, Duration.ofSeconds(60), (raised, rate, turns) -> crossings.add(raised + "@" + turns))
                .build()) {
            for (int i = 0; i < 40; i++) {
                engine.chat(ChatRequest.of("u", "s" + i, "年假有几天"));
            }
            assertThat(crossings).isEmpty();
            for (int i = 0; i < 5; i++) {
                engine.chat(ChatRequest.of("u", "o" + i, "今天天气如何"));
            }
            // 5 of 45 turns failed: 11 % > 5 %; told once, not on each failing turn
            assertThat(crossings).hasSize(1);
            assertThat(crossings.get(0)).startsWith("true@");
            assertThat(engine.metrics().failureAlarmRaised()).isTrue();

            clock.advance(Duration.ofSeconds(61));
            for (int i = 0; i < 30; i++) {
                engine.chat(ChatRequest.of("u", "n" + i, "工资多少"));
            }
            assertThat(crossings).hasSize(2);
            assertThat(crossings.get(1)).startsWith("false@");
            assertThat(engine.metrics().failureRate()).isZero();
        }
    }
}
