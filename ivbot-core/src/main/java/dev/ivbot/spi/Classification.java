package dev.ivbot.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A classifier's answer: intents ranked best first (empty when nothing in the text was
 * recognised), and the version of the model that produced it.
 *
 * <p>Immutable and thread-safe.
 */
public record Classification(List<ScoredIntent> ranked, String modelVersion) {

    public Classification {
        ranked = List.copyOf(ranked);
    }

    /** Nothing recognised. */
    public static Classification none(String modelVersion) {
        return new Classification(List.of(), modelVersion);
    }

    /** The best intent, or {@code null} when {@link #ranked()} is empty. */
    public @Nullable ScoredIntent top() {
        return ranked.isEmpty() ? null : ranked.get(0);
    }

    /** The second-best intent, or {@code null}. */
    public @Nullable ScoredIntent second() {
        return ranked.size() < 2 ? null : ranked.get(1);
    }
}
