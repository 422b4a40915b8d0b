package dev.ivbot.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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

    /**
     * Flat string fields for stores that keep a session as a hash (Redis). Slot names and values are
     * KB ids ({@code [a-z0-9_]}); turn texts are escaped. {@link #fromFields(Map)} reverses it.
     */
    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sid", sessionId);
        fields.put("user", userId);
        fields.put("ver", Long.toString(version));
        fields.put("turns", Long.toString(turns));
        fields.put("intent", lastIntent == null ? "" : lastIntent);
        fields.put("lang", language);
        StringBuilder slotText = new StringBuilder();
        new TreeMap<>(slots).forEach((k, v) -> slotText.append(slotText.length() == 0 ? "" : ";").append(k).append('=').append(v));
        fields.put("slots", slotText.toString());
        StringBuilder recent = new StringBuilder();
        for (TurnRecord t : recentTurns) {
            recent.append(t.number()).append('\t').append(t.intent() == null ? "" : t.intent()).append('\t')
                    .append(escape(t.text())).append('\n');
        }
        fields.put("recent", recent.toString());
        fields.put("created", Long.toString(createdAtMillis));
        fields.put("updated", Long.toString(updatedAtMillis));
        return fields;
    }

    /**
     * Rebuilds a state from {@link #toFields()}.
     *
     * @throws IllegalArgumentException if a field is missing or malformed
     */
    public static SessionState fromFields(Map<String, String> fields) {
        try {
            Map<String, String> slots = new LinkedHashMap<>();
            String slotText = fields.getOrDefault("slots", "");
            if (!slotText.isEmpty()) {
                for (String pair : slotText.split(";")) {
                    int eq = pair.indexOf('=');
                    slots.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            List<TurnRecord> recent = new ArrayList<>();
            String recentText = fields.getOrDefault("recent", "");
            if (!recentText.isEmpty()) {
                for (String line : recentText.split("\n")) {
                    String[] parts = line.split("\t", 3);
                    recent.add(new TurnRecord(Long.parseLong(parts[0]), parts[1].isEmpty() ? null : parts[1],
                            unescape(parts[2])));
                }
            }
            String intent = fields.getOrDefault("intent", "");
            return new SessionState(require(fields, "sid"), require(fields, "user"),
                    Long.parseLong(require(fields, "ver")), Long.parseLong(require(fields, "turns")),
                    intent.isEmpty() ? null : intent, fields.getOrDefault("lang", "zh"), slots, recent,
                    Long.parseLong(fields.getOrDefault("created", "0")),
                    Long.parseLong(fields.getOrDefault("updated", "0")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed session fields: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return value;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(++i);
                out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
