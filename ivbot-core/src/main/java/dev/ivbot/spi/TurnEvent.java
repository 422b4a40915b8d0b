package dev.ivbot.spi;

import dev.ivbot.Reply;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished turn.
 *
 * @param userId the user
 * @param reply the reply sent (for a refused turn, {@code null})
 * @param error the exception thrown to the caller, or {@code null}
 * @param primaryTimedOut whether the primary classifier missed its deadline
 * @param primaryFailed whether the primary classifier threw
 * @param sessionId the session id the caller named
 * @param question the question as the engine read it (trimmed, control characters removed; not
 *     redacted: a listener that stores or ships it redacts it first)
 * @param candidates the stand-alone classification's best intents, best first, at most three;
 *     empty when no classifier ran (a choice, a cache-less fallback, a noise turn)
 * @param modelVersion the version of the model that classified the turn, or {@code null} when none did
 * @param kbFingerprint the fingerprint of the knowledge base that answered
 *
 * <p>Immutable and thread-safe.
 */
public record TurnEvent(String userId, @Nullable Reply reply, @Nullable Throwable error, boolean primaryTimedOut,
        boolean primaryFailed, String sessionId, String question, List<ScoredIntent> candidates,
        @Nullable String modelVersion, String kbFingerprint) {

    public TurnEvent {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(kbFingerprint, "kbFingerprint");
        candidates = List.copyOf(candidates.size() > 3 ? candidates.subList(0, 3) : candidates);
    }

    /** A turn event without the question's details (for listeners' tests). */
    public TurnEvent(String userId, @Nullable Reply reply, @Nullable Throwable error, boolean primaryTimedOut,
            boolean primaryFailed) {
        this(userId, reply, error, primaryTimedOut, primaryFailed, "", "", List.of(), null, "");
    }
}
