package dev.ivbot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one turn.
 *
 * <p>Closed to construction by users: the engine makes replies and callers read them through the
 * accessors. The canonical constructor is public only because records cannot hide it, and it gains
 * a parameter whenever a reply carries something new (a minor release may add components; accessors
 * are never removed without a deprecation release). A test that needs a reply gets one from an engine
 * (see docs/api-compatibility.md).
 *
 * @param text the answer to show the user, in the language of the question
 * @param intent the intent answered, or {@code null} when the fallback answered
 * @param confidence the classifier's score for {@code intent} (1.0 for context and choice turns,
 *     the best score for a fallback)
 * @param slots every slot value in force in the session after this turn
 * @param source where the intent came from
 * @param fallbackReason why the fallback answered, or {@code null}
 * @param choices the candidates of a clarifying reply (empty otherwise)
 * @param degraded true when the primary classifier failed or missed its deadline and a lesser path
 *     answered, or the store was busy
 * @param language the language of the question and of {@code text}
 * @param sessionId the session the turn was applied to
 * @param turn the session's turn number after this turn (1 for the first); 0 if not applied
 * @param latency time spent inside the engine
 *
 * <p>Immutable and thread-safe.
 */
public record Reply(String text, @Nullable String intent, double confidence, Map<String, String> slots,
        Source source, @Nullable FallbackReason fallbackReason, List<Choice> choices, boolean degraded,
        Language language, String sessionId, long turn, Duration latency) {

    public Reply {
        slots = Map.copyOf(slots);
        choices = List.copyOf(choices);
    }

    /** True when the fallback answered rather than the knowledge base. */
    public boolean isFallback() {
        return source == Source.FALLBACK;
    }
}
