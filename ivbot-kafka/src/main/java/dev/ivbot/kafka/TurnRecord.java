package dev.ivbot.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ivbot.kafka.internal.TurnRecordJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The value of one turn's Kafka record, schema version {@value #SCHEMA_VERSION}: a JSON object with
 * the snake_case field names below (docs/kafka.md lists them with examples). Fields are only ever
 * added within a version; a consumer ignores fields it does not know. A field whose value is
 * {@code null} is left out of the JSON.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION} for this layout
 * @param timeMillis when the publisher saw the turn, epoch milliseconds
 * @param sessionId the session (also the record key)
 * @param turn the session's turn number after this turn (1 for the first); 0 for a failed turn
 * @param user the user id pseudonymised as lower-case hex HMAC-SHA256 under the configured secret,
 *     or {@code null} when no secret is configured (then no user id leaves the JVM)
 * @param language {@code zh} or {@code en}; {@code null} for a failed turn
 * @param question the question after PII redaction ({@link dev.ivbot.privacy.PiiRedactor#standard()})
 * @param intent the intent answered, or {@code null} for a fallback or a failed turn
 * @param confidence the reply's confidence
 * @param top the stand-alone classification's best intents (at most three), best first
 * @param source {@code model}, {@code rules}, {@code cache}, {@code context}, {@code choice},
 *     {@code fallback}; {@code null} for a failed turn
 * @param fallbackReason why the fallback answered (lower case), or {@code null}
 * @param slots the slot values in force after the turn
 * @param degraded whether a lesser path answered
 * @param latencyMillis time spent inside the engine, milliseconds (fractional)
 * @param modelVersion the classifier version that classified the turn, or {@code null}
 * @param kbFingerprint the fingerprint of the KB that answered
 * @param server the server instance that answered
 * @param error the simple class name of the exception a failed turn threw, or {@code null}
 *
 * <p>Immutable and thread-safe.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema_version", "time_ms", "session_id", "turn", "user", "language", "question", "intent",
        "confidence", "top", "source", "fallback_reason", "slots", "degraded", "latency_ms", "model_version",
        "kb_fingerprint", "server", "error"})
public record TurnRecord(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("time_ms") long timeMillis,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("turn") long turn,
        @JsonProperty("user") @Nullable String user,
        @JsonProperty("language") @Nullable String language,
        @JsonProperty("question") String question,
        @JsonProperty("intent") @Nullable String intent,
        @JsonProperty("confidence") double confidence,
        @JsonProperty("top") List<Candidate> top,
        @JsonProperty("source") @Nullable String source,
        @JsonProperty("fallback_reason") @Nullable String fallbackReason,
        @JsonProperty("slots") Map<String, String> slots,
        @JsonProperty("degraded") boolean degraded,
        @JsonProperty("latency_ms") double latencyMillis,
        @JsonProperty("model_version") @Nullable String modelVersion,
        @JsonProperty("kb_fingerprint") String kbFingerprint,
        @JsonProperty("server") String server,
        @JsonProperty("error") @Nullable String error) {

    /** The layout this class writes. */
    public static final int SCHEMA_VERSION = 1;

    public TurnRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(kbFingerprint, "kbFingerprint");
        Objects.requireNonNull(server, "server");
        top = top == null ? List.of() : List.copyOf(top);
        slots = slots == null ? Map.of() : Map.copyOf(slots);
    }

    /**
     * One ranked intent.
     *
     * @param intent the intent id
     * @param score its score
     *
     * <p>Immutable and thread-safe.
     */
    public record Candidate(@JsonProperty("intent") String intent, @JsonProperty("score") double score) {}

    /** This record as UTF-8 JSON, the Kafka record's value. */
    public byte[] toJson() {
        return TurnRecordJson.write(this);
    }

    /**
     * Reads a record value (for consumers in Java).
     *
     * @throws IllegalArgumentException if the bytes are not a turn record
     */
    public static TurnRecord fromJson(byte[] json) {
        return TurnRecordJson.read(json);
    }
}
