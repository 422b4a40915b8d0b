package dev.ivbot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kb.KnowledgeBase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The usage example of README.md, compiled and run by the build: keep the two identical. */
class ReadmeExampleTest {

    @Test
    void readmeUsage() {
        Path kbFolder = DemoKbDialogTest.DEMO_KB;
        // README:begin
        KnowledgeBase kb = KnowledgeBase.load(kbFolder);            // e.g. Path.of("examples/hr-demo-kb")
        try (DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory())         // in-memory sessions by default
                .build()) {
            Reply first = engine.chat(ChatRequest.of("candidate-42", "session-1", "年假有几天？"));
            Reply next = engine.chat(ChatRequest.of("candidate-42", "session-1", "那病假呢"));
            System.out.println(next.intent() + " " + next.slots() + ": " + next.text());
            // README:end
            assertThat(first.slots()).containsEntry("leave_type", "annual");
            assertThat(next.intent()).isEqualTo("leave_policy");
            assertThat(next.slots()).containsEntry("leave_type", "sick");
        }
    }
}
