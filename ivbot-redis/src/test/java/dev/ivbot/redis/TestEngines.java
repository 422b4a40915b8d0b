package dev.ivbot.redis;

import dev.ivbot.DialogEngine;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;

/** Engines on the tiny test KB with the keyword classifier. */
final class TestEngines {

    static final String[] QUESTIONS = {"年假有几天", "那病假呢", "面试有几轮", "工资多少", "how many vacation days",
        "and sick leave?", "what is the salary", "校招面试有几轮"};

    private TestEngines() {}

    /** An engine over {@code store}, which stays the caller's to close after the engine. */
    static DialogEngine engine(SessionStore store) {
        return DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).build();
    }
}
