package dev.ivbot.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ivbot.IvbotException;
import dev.ivbot.Language;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One question in the review queue, its personal data already redacted.
 *
 * @param id unique within the queue
 * @param text the question, redacted
 * @param language its language
 * @param sessionId the session it was asked in (to read it in context)
 * @param candidates the classifier's best intents with their scores, best first, at most three
 * @param answeredIntent the intent the bot answered with, or {@code null} for a fallback
 * @param reason why it was recorded
 * @param modelVersion the model that classified it ({@code ""} if none did)
 * @param kbFingerprint the knowledge base it was answered from
 * @param time when it was asked
 *
 * <p>Immutable and thread-safe.
 */
public record ReviewItem(String id, String text, Language language, String sessionId, List<ScoredIntent> candidates,
        @Nullable String answeredIntent, ReviewReason reason, String modelVersion, String kbFingerprint, Instant time) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ReviewItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(sessionId, "sessionId");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(kbFingerprint, "kbFingerprint");
        Objects.requireNonNull(time, "time");
    }

    /** One line of JSON, the form the Redis queue and {@code ./ivbot review --queue FILE} use. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id).put("text", text).put("lang", language.code()).put("session", sessionId);
        ArrayNode top = o.putArray("candidates");
        for (ScoredIntent c : candidates) {
            top.addObject().put("intent", c.intent()).put("score", c.score());
        }
        if (answeredIntent != null) {
            o.put("answered", answeredIntent);
        }
        o.put("reason", reason.name()).put("model", modelVersion).put("kb", kbFingerprint).put("time", time.toString());
        return o.toString();
    }

    /**
     * Reads {@link #toJson()}'s form. A line with only {@code text} (and {@code lang}), such as an
     * evaluation file's, reads as a fallback question with the line number as its id.
     *
     * @throws IvbotException if the line is not such a JSON object
     */
    public static ReviewItem fromJson(String line, String defaultId) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (Exception e) {
            throw new IvbotException("not a review item: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject() || !o.path("text").isTextual()) {
            throw new IvbotException("not a review item (no \"text\"): " + line);
        }
        String text = o.get("text").asText();
        List<ScoredIntent> top = new ArrayList<>();
        for (JsonNode c : o.path("candidates")) {
            top.add(new ScoredIntent(c.path("intent").asText(), c.path("score").asDouble()));
        }
        String lang = o.path("lang").asText("");
        return new ReviewItem(o.path("id").asText(defaultId), text,
                lang.isEmpty() ? Language.detect(text) : Language.fromCode(lang), o.path("session").asText(""), top,
                o.hasNonNull("answered") ? o.get("answered").asText() : null,
                ReviewReason.valueOf(o.path("reason").asText(ReviewReason.FALLBACK.name())), o.path("model").asText(""),
                o.path("kb").asText(""), o.hasNonNull("time") ? Instant.parse(o.get("time").asText()) : Instant.EPOCH);
    }
}
