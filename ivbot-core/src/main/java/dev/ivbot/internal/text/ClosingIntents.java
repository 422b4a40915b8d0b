package dev.ivbot.internal.text;

import dev.ivbot.Language;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds the closing intents of a KB: the intents whose examples thank or say goodbye ("谢谢，拜拜",
 * "thanks, bye"). A turn read as a closing on its own ends the conversation in the middle of a
 * topic, and is not taken for a sub-question of it (the dialog policy). The KB author declares
 * nothing: an intent is a closing when at least half of its examples, both languages together,
 * carry a word of thanks or farewell. The markers are the words that mark a closing in any
 * conversation, not a list of phrasings.
 *
 * <p>Greetings and the hand-off to a human are left out on purpose: in the middle of a topic, a
 * few-example KB's greeting or hand-off reading of a turn was mostly a misread follow-up
 * ("这个会发邮件吗" as a greeting; "is it sent by email", "需要我授权吗" as the hand-off: 26 times
 * in 27 on eval/dialogs-dev.jsonl).
 *
 * <p>Stateless and thread-safe.
 */
public final class ClosingIntents {

    /**
     * Words of thanks or farewell, matched as whole words as everywhere else in ivbot (a Latin
     * phrase only at word boundaries: "thanksgiving" is not "thanks", "typical" not "ty").
     */
    private static final PhraseMatcher CLOSING = PhraseMatcher.of("谢", "拜拜", "再见", "再会", "回头见", "没有问题了", "没问题了",
            "没别的", "没有别的", "就这些", "886", "3q", "thank", "thanks", "thank you", "thx", "ty", "bye", "goodbye",
            "cheers", "see you", "appreciate", "appreciated", "that's all", "thats all", "that is all", "nothing else",
            "have a good day", "have a nice day", "have a great day", "have a good one", "have a nice one",
            "have a great one");

    private ClosingIntents() {}

    /** Whether a normalised example thanks or says goodbye. */
    static boolean marks(String normalized) {
        boolean[] found = {false};
        CLOSING.forEachMatch(normalized, (id, start, end) -> found[0] = true);
        return found[0];
    }

    /** The ids of {@code kb}'s closing intents (none, one or several). */
    public static Set<String> of(KnowledgeBase kb) {
        Set<String> closings = new HashSet<>();
        for (Intent intent : kb.intents().values()) {
            int marked = 0;
            int examples = 0;
            for (Language language : Language.values()) {
                for (String example : intent.examples(language)) {
                    examples++;
                    if (marks(TextNormalizer.normalize(example))) {
                        marked++;
                    }
                }
            }
            if (examples > 0 && 2 * marked >= examples) {
                closings.add(intent.id());
            }
        }
        return Set.copyOf(closings);
    }
}
