package dev.ivbot.spi;

import dev.ivbot.Reply;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One finished turn.
 *
 * @param userId the user
 * @param reply the reply sent (for a refused turn, {@code null})
 * @param error the exception thrown to the caller, or {@code null}
 * @param primaryTimedOut whether the primary classifier missed its deadline
 * @param primaryFailed whether the primary classifier threw
 * @param question the question as the user typed it (not redacted: a listener that stores or
 *     publishes it redacts it first, e.g. with {@link dev.ivbot.privacy.PiiRedactor})
 * @param candidates the classifier's best intents for the question, best first, at most three
 *     (empty when no classifier was asked: a choice, a slot-only follow-up, a noise question)
 * @param modelVersion the version of the classifier that answered, or {@code ""} when none did
 * @param kbFingerprint the fingerprint of the knowledge base the turn was answered from
 *
 * <p>Immutable and thread-safe.
 */
public record TurnEvent(String userId, @Nullable Reply reply, @Nullable Throwable error, boolean primaryTimedOut,
        boolean primaryFailed, String question, List<ScoredIntent> candidates, String modelVersion,
        String kbFingerprint) {

    public TurnEvent {
        candidates = List.copyOf(candidates);
    }

    /** A turn event without the question's details (for listeners' tests and older callers). */
    public TurnEvent(String userId, @Nullable Reply reply, @Nullable Throwable error, boolean primaryTimedOut,
            boolean primaryFailed) {
        this(userId, reply, error, primaryTimedOut, primaryFailed, "", List.of(), "", "");
    }
}
