package dev.ivbot.hostile;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.InvalidInputException;
import dev.ivbot.Reply;
import dev.ivbot.internal.SlotExtractor;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzzes what happens to a user's text: normalisation, slot extraction and a whole
 * {@link DialogEngine#chat} turn. Normalised text holds no control or format characters and no
 * runs of spaces; extracted slots are ones the KB defines; a turn either replies (with an intent
 * the KB defines) or throws {@link InvalidInputException} on {@code text}; nothing else, and no
 * input takes long.
 *
 * <p>{@code mvn test} replays the committed seeds in
 * {@code src/test/resources/dev/ivbot/hostile/TextPipelineFuzzTestInputs/}; to fuzz, see
 * {@code docs/security.md}: {@code JAZZER_FUZZ=1 mvn -pl ivbot-core test -Dtest=TextPipelineFuzzTest}.
 */
class TextPipelineFuzzTest {

    private static final KnowledgeBase KB = TestKnowledgeBases.tiny();
    private static final SlotExtractor EXTRACTOR = new SlotExtractor(KB);
    /** Shared by all inputs (the test instance may be reused while fuzzing); daemon threads only. */
    private static final DialogEngine ENGINE = DialogEngine.builder().knowledgeBase(KB)
            .primaryClassifier(KeywordClassifier.forTinyKb()).build();
    private static final AtomicInteger TURNS = new AtomicInteger();

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"年假", "病假", "校招", "实习", "那", "呢", "吗", "annual leave", "sick leave", "campus",
            "intern", "what about", "面试", "工资", "\u202E", "\u2066", "\u200B", "\uFF21", "\u3000"})
    void normaliseExtractAndChat(byte[] input) {
        String text = FuzzInputs.text(input);
        long start = System.nanoTime();

        String normalized = TextNormalizer.normalize(text);
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                throw new AssertionError("normalised text holds U+" + Integer.toHexString(c) + " at " + i);
            }
            if (c == ' ' && (i == 0 || i == normalized.length() - 1 || normalized.charAt(i - 1) == ' ')) {
                throw new AssertionError("normalised text has a stray space at " + i);
            }
        }

        SlotExtractor.Extraction extraction = EXTRACTOR.extract(normalized);
        checkSlots(extraction.slots());
        if (extraction.slotOnly() && extraction.slots().isEmpty()) {
            throw new AssertionError("a slot-only turn without slots");
        }

        String session = "fuzz-" + (TURNS.incrementAndGet() & 7);
        try {
            Reply reply = ENGINE.chat(ChatRequest.of("fuzzer", session, text));
            if (reply.text().isBlank()) {
                throw new AssertionError("blank reply");
            }
            if (reply.intent() != null && !KB.intents().containsKey(reply.intent())) {
                throw new AssertionError("reply names unknown intent " + reply.intent());
            }
            checkSlots(reply.slots());
        } catch (InvalidInputException e) {
            if (!e.field().equals("text")) {
                throw new AssertionError("refused on " + e.field(), e);
            }
        }
        FuzzInputs.checkTime(start, 2_000, "a turn of " + text.length() + " characters");
    }

    private static void checkSlots(Map<String, String> slots) {
        slots.forEach((slot, value) -> {
            if (!KB.slots().containsKey(slot) || !KB.slots().get(slot).hasValue(value)) {
                throw new AssertionError("unknown slot value " + slot + "=" + value);
            }
        });
    }
}
