package dev.ivbot;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One user turn: who is asking, in which session, and what they typed.
 *
 * <p>{@code attributes} carries facts the host already knows about the user, keyed by slot name
 * (for example {@code track=campus} from the candidate's profile or a JWT claim). They fill slots
 * that the session does not have yet; what the user says later overrides them. {@code choice}
 * is set when the user clicked one of the {@link Reply#choices()} of a clarifying reply: it names
 * the chosen intent and skips classification.
 *
 * <p>Arguments are checked by {@link DialogEngine#chat}, which throws {@link InvalidInputException}
 * naming the bad field. Immutable and thread-safe.
 */
public record ChatRequest(String userId, String sessionId, String text, Map<String, String> attributes,
        @Nullable String choice) {

    public ChatRequest {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(text, "text");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }

    /** A plain turn without host attributes. */
    public static ChatRequest of(String userId, String sessionId, String text) {
        return new ChatRequest(userId, sessionId, text, Map.of(), null);
    }

    /** This request with host-known slot values added (for example {@code Map.of("track", "campus")}). */
    public ChatRequest withAttributes(Map<String, String> newAttributes) {
        return new ChatRequest(userId, sessionId, text, newAttributes, choice);
    }

    /** This request as the user's pick of {@code intentId} among a clarifying reply's choices. */
    public ChatRequest withChoice(String intentId) {
        return new ChatRequest(userId, sessionId, text, attributes, Objects.requireNonNull(intentId, "intentId"));
    }
}
