package dev.ivbot.spi;

import java.util.ArrayList;
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
        List<TurnRecord> recent = new ArrayList<>(recentTurns.size() + 1);
        int from = Math.max(0, recentTurns.size() + 1 - MAX_RECENT_TURNS);
        for (int i = from; i < recentTurns.size(); i++) {
            recent.add(recentTurns.get(i));
        }
        recent.add(turn);
        return new SessionState(sessionId, userId, version + 1, turns + 1, intent, newLanguage, newSlots, recent,
                createdAtMillis, nowMillis);
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
