package dev.ivbot.spi;

import dev.ivbot.Choice;
import dev.ivbot.FallbackReason;
import dev.ivbot.Language;
import dev.ivbot.internal.KnowledgeBaseFallback;
import java.util.List;

/**
 * Answers a turn that the knowledge base cannot: out of scope, low confidence, ambiguous
 * (clarification), every classifier down, or the store busy.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Fallback {

    /** The text to show for this turn. */
    String reply(Context context);

    /**
     * What the fallback knows about the turn.
     *
     * @param reason why the fallback answers
     * @param language the language to answer in
     * @param text the user's text
     * @param choices the candidate intents to offer ({@link FallbackReason#AMBIGUOUS}), else empty
     * @param knowledgeBase the KB in force, for its messages
     */
    record Context(FallbackReason reason, Language language, String text, List<Choice> choices,
            dev.ivbot.kb.KnowledgeBase knowledgeBase) {}

    /** The default: the KB's {@code messages} (fallback, clarify with the choices' titles, busy). */
    static Fallback fromKnowledgeBase() {
        return KnowledgeBaseFallback.INSTANCE;
    }

    /** A fixed text per language, whatever the reason. */
    static Fallback reply(String chinese, String english) {
        return context -> context.language() == Language.ZH ? chinese : english;
    }
}
