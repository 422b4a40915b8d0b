package dev.ivbot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostilePatternTest {

    @Test
    void aCatastrophicallyBacktrackingPatternIsSkippedNotStalled() throws Exception {
        // (a+)+b on "aaaa...c" needs 2^n steps without the read budget
        KnowledgeBase kb = KnowledgeBase.fromYaml("evil.yaml", TestKnowledgeBases.TINY_YAML.replace(
                "        examples:\n          zh: [工资多少]",
                "        examples:\n          zh: [工资多少]\n        rules:\n          patterns: ['(a+)+b']"));
        RuleClassifier rules = RuleClassifier.create(kb);
        String attack = "工资 " + "a".repeat(40) + "c";
        Classification c = CompletableFuture.supplyAsync(() -> rules.classify(attack)).get(10, TimeUnit.SECONDS);
        assertThat(c.top()).isNotNull();
        assertThat(c.top().intent()).isEqualTo("salary");
        // a benign match still counts
        assertThat(rules.classify("工资 aab").top().intent()).isEqualTo("salary");
    }
}
