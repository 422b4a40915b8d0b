package dev.ivbot.spi;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A classifier's answer: intents ranked best first (empty when nothing in the text was
 * recognised), the version of the model that produced it, and, from a classifier whose scores are
 * probabilities, how sure it is of its best intent beyond what its rounded scores show.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ranked the intents, best first
 * @param modelVersion the version of the model that answered
 * @param margin the model's best intent and the natural log of its probability over the runner-up's
 *     (a model sure of a question gives dozens of nats while both probabilities round to 1 and 0);
 *     null from a classifier that has no such measure (the rules). A blend of a model and rules
 *     carries the model's.
 */
public record Classification(List<ScoredIntent> ranked, String modelVersion, @Nullable Margin margin) {

    /**
     * The model's best intent and {@code ln(p(best) / p(runner-up))} over the KB's intents. Immutable
     * and thread-safe.
     */
    public record Margin(String intent, double logOdds) {
        public Margin {
            Objects.requireNonNull(intent, "intent");
        }
    }

    public Classification {
        ranked = List.copyOf(ranked);
    }

    /** Without a margin, as a classifier whose scores are not probabilities answers. */
    public Classification(List<ScoredIntent> ranked, String modelVersion) {
        this(ranked, modelVersion, null);
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
