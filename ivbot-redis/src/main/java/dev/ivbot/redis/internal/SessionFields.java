package dev.ivbot.redis.internal;

import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionState.TurnRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Redis hash encoding of a {@link SessionState}: one flat string field per component. The field
 * names are the stored format (the save script and stored sessions depend on them): change them only
 * with a migration. Stateless and thread-safe.
 */
public final class SessionFields {

    private SessionFields() {}

    /**
     * Flat string fields for stores that keep a session as a hash (Redis). Slot names and values are
     * KB ids ({@code [a-z0-9_]}); turn texts are escaped. {@link #fromFields(Map)} reverses it.
     */
    public static Map<String, String> toFields(SessionState state) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sid", state.sessionId());
        fields.put("user", state.userId());
        fields.put("ver", Long.toString(state.version()));
        fields.put("turns", Long.toString(state.turns()));
        fields.put("intent", state.lastIntent() == null ? "" : state.lastIntent());
        fields.put("lang", state.language());
        StringBuilder slotText = new StringBuilder();
        new TreeMap<>(state.slots()).forEach((k, v) -> slotText.append(slotText.length() == 0 ? "" : ";").append(k).append('=').append(v));
        fields.put("slots", slotText.toString());
        StringBuilder recent = new StringBuilder();
        for (TurnRecord t : state.recentTurns()) {
            recent.append(t.number()).append('\t').append(t.intent() == null ? "" : t.intent()).append('\t')
                    .append(escape(t.text())).append('\n');
        }
        fields.put("recent", recent.toString());
        fields.put("created", Long.toString(state.createdAtMillis()));
        fields.put("updated", Long.toString(state.updatedAtMillis()));
        return fields;
    }

    /**
     * Rebuilds a state from {@link #toFields(SessionState)}.
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
            return SessionState.builder(require(fields, "sid"), require(fields, "user"))
                    .version(Long.parseLong(require(fields, "ver"))).turns(Long.parseLong(require(fields, "turns")))
                    .lastIntent(intent.isEmpty() ? null : intent).language(fields.getOrDefault("lang", "zh"))
                    .slots(slots).recentTurns(recent)
                    .createdAtMillis(Long.parseLong(fields.getOrDefault("created", "0")))
                    .updatedAtMillis(Long.parseLong(fields.getOrDefault("updated", "0"))).build();
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
