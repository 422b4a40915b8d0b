package dev.ivbot.kb;

import dev.ivbot.Language;
import java.util.List;
import java.util.Map;

/**
 * One intent of the knowledge base.
 *
 * @param id the intent id, e.g. {@code leave_policy}
 * @param title a short name in both languages, for clarification choices
 * @param slots the slots the answer depends on
 * @param examplesZh Chinese example utterances
 * @param examplesEn English example utterances
 * @param rules hand-written rules
 * @param answers the answer variants; the first without conditions is the default
 *
 * <p>Immutable and thread-safe.
 */
public record Intent(String id, LocalizedText title, List<String> slots, List<String> examplesZh,
        List<String> examplesEn, IntentRules rules, List<AnswerVariant> answers) {

    public Intent {
        slots = List.copyOf(slots);
        examplesZh = List.copyOf(examplesZh);
        examplesEn = List.copyOf(examplesEn);
        answers = List.copyOf(answers);
    }

    /** The examples in one language. */
    public List<String> examples(Language language) {
        return language == Language.ZH ? examplesZh : examplesEn;
    }

    /**
     * The most specific variant whose conditions all hold: the one with the most conditions, the
     * earliest in the file on a tie.
     */
    public AnswerVariant answerFor(Map<String, String> slotValues) {
        AnswerVariant best = null;
        for (AnswerVariant variant : answers) {
            if (variant.matches(slotValues) && (best == null || variant.when().size() > best.when().size())) {
                best = variant;
            }
        }
        if (best == null) {
            // the loader refuses an intent without a default variant, which always matches
            throw new IllegalStateException("intent " + id + " has no default answer");
        }
        return best;
    }
}
