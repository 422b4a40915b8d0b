package dev.ivbot.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnowledgeBaseCopiesTest {

    @Test
    void aCopyWithFewerIntentsKeepsTheRestAndChangesTheFingerprints() {
        KnowledgeBase kb = TestKnowledgeBases.tiny();
        Map<String, Intent> fewer = new LinkedHashMap<>(kb.intents());
        fewer.remove(TestKnowledgeBases.LEAVE);

        KnowledgeBase smaller = kb.withIntents(fewer);

        assertThat(smaller.intents()).containsOnlyKeys(fewer.keySet());
        assertThat(smaller.settings()).isEqualTo(kb.settings());
        assertThat(smaller.slots()).isEqualTo(kb.slots());
        assertThat(smaller.fingerprint()).isNotEqualTo(kb.fingerprint());
        assertThat(smaller.trainingFingerprint()).isNotEqualTo(kb.trainingFingerprint());
        assertThat(kb.withIntents(kb.intents()).fingerprint()).isEqualTo(kb.fingerprint());
    }

    @Test
    void refusesAnEmptyOrMiskeyedIntentMap() {
        KnowledgeBase kb = TestKnowledgeBases.tiny();
        Intent leave = kb.intents().get(TestKnowledgeBases.LEAVE);
        assertThatThrownBy(() -> kb.withIntents(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one intent");
        assertThatThrownBy(() -> kb.withIntents(Map.of("other", leave))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyed as 'other'");
    }
}
