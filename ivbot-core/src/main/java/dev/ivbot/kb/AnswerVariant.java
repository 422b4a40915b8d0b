package dev.ivbot.kb;

import java.util.Map;

/**
 * One answer of an intent, used when every slot in {@code when} has that value.
 *
 * <p>Immutable and thread-safe.
 */
public record AnswerVariant(Map<String, String> when, LocalizedText text) {

    public AnswerVariant {
        when = Map.copyOf(when);
    }

    /** True if every condition holds in {@code slots}. */
    public boolean matches(Map<String, String> slots) {
        for (Map.Entry<String, String> condition : when.entrySet()) {
            if (!condition.getValue().equals(slots.get(condition.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
