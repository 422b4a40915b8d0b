package dev.ivbot.hostile;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ivbot.internal.SlotExtractor;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import java.util.Map;

/**
 * Fuzzes the KB loader with arbitrary YAML text: it must either load a usable KB or throw
 * {@link KnowledgeBaseException} with at least one problem, within a bounded time; any other
 * exception, an error or a hang is a finding.
 *
 * <p>{@code mvn test} replays the committed seeds in
 * {@code src/test/resources/dev/ivbot/hostile/KbLoaderFuzzTestInputs/}; to fuzz (for
 * {@code maxDuration}), see {@code docs/security.md}:
 * {@code JAZZER_FUZZ=1 mvn -pl ivbot-core test -Dtest=KbLoaderFuzzTest}.
 */
class KbLoaderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"intents:", "slots:", "- id: ", "title: {zh: a, en: b}", "examples: {zh: [", "answers:",
            "- zh: ", "  en: ", "when: {", "rules:", "keywords: {", "patterns: [", "required: [", "excluded: [",
            "followup_fillers:", "messages:", "fallback:", "settings:", "confidence_threshold: ", "clarify_margin: ",
            "name: ", "&a ", "*a", "<<: ", "!!str ", "!!binary ", "---", "? ", "|", ">-", "{", "}", "[", "]",
            "'", "#", "~", "null", ".nan", "1e999"})
    void loadingAnyYamlEitherSucceedsOrSaysWhy(byte[] input) {
        String yaml = FuzzInputs.text(input);
        long start = System.nanoTime();
        try {
            KnowledgeBase kb = KnowledgeBase.fromYaml("fuzz.yaml", yaml);
            // a KB that loads is usable: slots compile into a matcher, every intent has a default answer
            new SlotExtractor(kb);
            for (Intent intent : kb.intents().values()) {
                intent.answerFor(Map.of()).text();
            }
        } catch (KnowledgeBaseException e) {
            if (e.problems().isEmpty() || e.problems().stream().anyMatch(p -> p.message().isBlank())) {
                throw new AssertionError("a KnowledgeBaseException without a clear problem", e);
            }
        }
        FuzzInputs.checkTime(start, 3_000, "loading " + yaml.length() + " characters");
    }
}
