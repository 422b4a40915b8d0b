package dev.ivbot.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a session remembers between turns: its owner, the last intent, the slot values in force,
 * a turn counter and the most recent turns.
 *
 * <p>{@code version} increases by one with every save; a {@link SessionStore} uses it for
 * optimistic concurrency, so that two turns saved at once cannot overwrite each other.
 *
 * <p>Construct one with {@link #builder} (a {@link SessionStore} reading a session back) or
 * {@link #toBuilder} (a copy with some components changed), not with the canonical constructor: the
 * record may gain components in a minor release, which breaks a constructor call but not a builder
 * (see docs/api-compatibility.md).
 *
 * <p>Immutable and thread-safe.
 *
 * @param sessionId the id the store keeps the session under: for the engine's sessions
 *     {@link dev.ivbot.DialogEngine#storeSessionId}, derived from the user and the client's id
 *     ({@link dev.ivbot.DialogEngine#session} hands it back with the client's id instead)
 * @param userId the user who opened the session; no other user may read or continue it
 * @param version the version this state was saved as (1 for a new session)
 * @param turns how many turns were applied
 * @param lastIntent the intent of the last answered turn, or {@code null}
 * @param language the language of the last turn ({@code "zh"} or {@code "en"})
 * @param slots slot name to value, in force for the next turn
 * @param recentTurns the last few turns, oldest first (at most {@link #MAX_RECENT_TURNS})
 * @param createdAtMillis epoch millis of the first turn
 * @param updatedAtMillis epoch millis of the last save
 */
public record SessionState(String sessionId, String userId, long version, long turns, @Nullable String lastIntent,
        String language, Map<String, String> slots, List<TurnRecord> recentTurns, long createdAtMillis,
        long updatedAtMillis) {

    /** How many recent turns a session keeps. */
    public static final int MAX_RECENT_TURNS = 20;

    public SessionState {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(language, "language");
        slots = Map.copyOf(slots);
        recentTurns = List.copyOf(recentTurns);
    }

    /** The state of a session that has not seen a turn yet (version 0: not stored). */
    public static SessionState empty(String sessionId, String userId, long nowMillis) {
        return new SessionState(sessionId, userId, 0, 0, null, "zh", Map.of(), List.of(), nowMillis, nowMillis);
    }

    /**
     * This state after one more turn.
     *
     * @param intent the intent now in force (may be unchanged)
     * @param newSlots the slot values now in force
     * @param turn the turn to append to {@link #recentTurns()}
     */
    public SessionState next(@Nullable String intent, String newLanguage, Map<String, String> newSlots,
            TurnRecord turn, long nowMillis) {
        int from = Math.max(0, recentTurns.size() + 1 - MAX_RECENT_TURNS);
        TurnRecord[] recent = new TurnRecord[recentTurns.size() - from + 1];
        for (int i = from; i < recentTurns.size(); i++) {
            recent[i - from] = recentTurns.get(i);
        }
        recent[recent.length - 1] = Objects.requireNonNull(turn, "turn");
        // an immutable list, which the constructor's List.copyOf keeps as it is: one copy per turn, not two
        return new SessionState(sessionId, userId, version + 1, turns + 1, intent, newLanguage, newSlots,
                List.of(recent), createdAtMillis, nowMillis);
    }

    /** A builder for the state of {@code sessionId}, owned by {@code userId}; everything else starts as in {@link #empty}. */
    public static Builder builder(String sessionId, String userId) {
        return new Builder(sessionId, userId);
    }

    /** A builder that starts from this state. */
    public Builder toBuilder() {
        return new Builder(sessionId, userId).version(version).turns(turns).lastIntent(lastIntent).language(language)
                .slots(slots).recentTurns(recentTurns).createdAtMillis(createdAtMillis).updatedAtMillis(updatedAtMillis);
    }

    /**
     * Builds a {@link SessionState}. Unlike the engine's builder, a setter may be called again (a copy
     * from {@link #toBuilder} changes what it needs). Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private String sessionId;
        private final String userId;
        private long version;
        private long turns;
        private @Nullable String lastIntent;
        private String language = "zh";
        private Map<String, String> slots = Map.of();
        private List<TurnRecord> recentTurns = List.of();
        private long createdAtMillis;
        private long updatedAtMillis;

        private Builder(String sessionId, String userId) {
            this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
            this.userId = Objects.requireNonNull(userId, "userId");
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
            return this;
        }

        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Builder turns(long turns) {
            this.turns = turns;
            return this;
        }

        public Builder lastIntent(@Nullable String lastIntent) {
            this.lastIntent = lastIntent;
            return this;
        }

        public Builder language(String language) {
            this.language = Objects.requireNonNull(language, "language");
            return this;
        }

        public Builder slots(Map<String, String> slots) {
            this.slots = Map.copyOf(slots);
            return this;
        }

        public Builder recentTurns(List<TurnRecord> recentTurns) {
            this.recentTurns = List.copyOf(recentTurns);
            return this;
        }

        public Builder createdAtMillis(long createdAtMillis) {
            this.createdAtMillis = createdAtMillis;
            return this;
        }

        public Builder updatedAtMillis(long updatedAtMillis) {
            this.updatedAtMillis = updatedAtMillis;
            return this;
        }

        public SessionState build() {
            return new SessionState(sessionId, userId, version, turns, lastIntent, language, slots, recentTurns,
                    createdAtMillis, updatedAtMillis);
        }
    }

    /**
     * One applied turn, as kept in {@link #recentTurns()}.
     *
     * @param number the turn number in the session, from 1
     * @param intent the answered intent, or {@code null} for a fallback
     * @param text the user's text, cut to {@link #MAX_TEXT} characters
     */
    public record TurnRecord(long number, @Nullable String intent, String text) {
        /** Longest text kept per turn. */
        public static final int MAX_TEXT = 200;

        public TurnRecord {
            Objects.requireNonNull(text, "text");
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT);
            }
        }
    }
}
