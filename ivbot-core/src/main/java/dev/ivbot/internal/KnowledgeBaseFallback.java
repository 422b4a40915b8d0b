package dev.ivbot.internal;

import dev.ivbot.Choice;
import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Fallback;
import java.util.stream.Collectors;

/** The default fallback: the KB's messages. */
public enum KnowledgeBaseFallback implements Fallback {
    INSTANCE;

    @Override
    public String reply(Context context) {
        KnowledgeBase kb = context.knowledgeBase();
        Language language = context.language();
        switch (context.reason()) {
            case AMBIGUOUS:
                String separator = language == Language.ZH ? "、" : ", ";
                String choices = context.choices().stream().map(Choice::label).collect(Collectors.joining(separator));
                return kb.message(KnowledgeBase.MESSAGE_CLARIFY, language).replace("{choices}", choices);
            case STORE_BUSY:
                return kb.message(KnowledgeBase.MESSAGE_BUSY, language);
            default:
                return kb.message(KnowledgeBase.MESSAGE_FALLBACK, language);
        }
    }
}
