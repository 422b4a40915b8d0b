package dev.ivbot.examples.quickstart;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.RuleClassifier;
import java.nio.file.Path;

/**
 * The smallest host: load the demo KB, build an engine with the rule classifier and in-memory
 * sessions, and ask two questions in one session.
 *
 * <pre>
 * java -cp examples/target/classes:$(cat examples/target/classpath.txt) dev.ivbot.examples.quickstart.QuickStart
 * </pre>
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) {
        Path kbFolder = Path.of(args.length > 0 ? args[0] : "examples/hr-demo-kb");
        try (DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(KnowledgeBase.load(kbFolder))
                .primaryClassifier(RuleClassifier.factory())
                .build()) {
            for (String question : new String[] {"年假有几天？", "那病假呢", "how many interview rounds for new grads?"}) {
                Reply reply = engine.chat(ChatRequest.of("candidate-42", "session-1", question));
                System.out.printf("> %s%n[%s %s %.2f, %.2f ms] %s%n%n", question, reply.source(), reply.intent(),
                        reply.confidence(), reply.latency().toNanos() / 1e6, reply.text());
            }
        }
    }
}
