package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class KnowledgeBaseReloadTest {

    @Test
    void reloadingWhileServingFailsNoRequestAndNewTurnsSeeTheNewAnswers() throws Exception {
        KnowledgeBase edited = KnowledgeBase.fromYaml("edited.yaml",
                TestKnowledgeBases.TINY_YAML.replace("年假每年15天。", "年假每年20天。"));
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger served = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try {
                            Reply r = engine.chat(ChatRequest.of("u" + id, "s" + id + "-" + (i++ % 50), "年假有几天"));
                            if (!r.text().contains("年假每年")) {
                                throw new AssertionError("unexpected reply " + r.text());
                            }
                            served.incrementAndGet();
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (int i = 0; i < 20; i++) {
                engine.reloadKnowledgeBase(i % 2 == 0 ? edited : TestKnowledgeBases.tiny());
            }
            engine.reloadKnowledgeBase(edited);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(served.get()).isPositive();
            assertThat(engine.chat(ChatRequest.of("u", "after", "年假有几天")).text()).isEqualTo("年假每年20天。");
        }
    }

    @Test
    void aBrokenKbFailsToLoadAndTheEngineKeepsTheOldOne() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            assertThatThrownBy(() -> engine.reloadKnowledgeBase(KnowledgeBase.fromYaml("bad.yaml",
                    TestKnowledgeBases.TINY_YAML.replace("when: {leave_type: sick}", "when: {leave_type: flu}"))))
                    .isInstanceOf(KnowledgeBaseException.class).hasMessageContaining("bad.yaml:");
            assertThat(engine.chat(ChatRequest.of("u", "s", "年假有几天")).text()).isEqualTo("年假每年15天。");
        }
    }
}
