package dev.ivbot.internal;

import dev.ivbot.ChatRequest;
import dev.ivbot.InvalidInputException;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.SlotDefinition;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a request against the documented limits before anything is read or stored. Ids may hold
 * only characters that are safe in a Redis key and a log line; text may not be blank, too long or
 * hold unpaired surrogates; control characters and bidi controls (overrides, isolates, marks) are
 * replaced by spaces.
 */
public final class InputValidator {

    public static final int DEFAULT_MAX_TEXT_LENGTH = 500;
    public static final int MAX_ID_LENGTH = 128;
    /** Letters, digits and {@code . _ - : @}, starting with a letter or digit: no spaces, braces, globs or CR/LF. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0," + (MAX_ID_LENGTH - 1) + "}");

    /** A request's text after checking: stripped, and normalised for matching. */
    public record ValidText(String text, String normalized) {}

    private final int maxTextLength;

    public InputValidator(int maxTextLength) {
        this.maxTextLength = maxTextLength;
    }

    public ValidText validate(ChatRequest request, KnowledgeBase kb) {
        validateIds(request.userId(), request.sessionId());
        String text = cleanText(request.text());
        for (Map.Entry<String, String> attribute : request.attributes().entrySet()) {
            SlotDefinition slot = kb.slots().get(attribute.getKey());
            if (slot == null) {
                throw new InvalidInputException("attributes", "unknown slot '" + printable(attribute.getKey())
                        + "' (known: " + kb.slots().keySet() + ")");
            }
            if (!slot.hasValue(attribute.getValue())) {
                throw new InvalidInputException("attributes", "unknown value '" + printable(attribute.getValue())
                        + "' of slot '" + slot.name() + "' (known: " + slot.values().keySet() + ")");
            }
        }
        String choice = request.choice();
        if (choice != null && !kb.intents().containsKey(choice)) {
            throw new InvalidInputException("choice", "unknown intent '" + printable(choice) + "'");
        }
        String normalized = TextNormalizer.normalize(text);
        if (normalized.isEmpty()) {
            throw new InvalidInputException("text", "holds no visible characters");
        }
        return new ValidText(text, normalized);
    }

    public void validateIds(String userId, String sessionId) {
        checkId("userId", userId);
        checkId("sessionId", sessionId);
    }

    private static void checkId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidInputException(field, "is missing");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException(field, "is " + id.length() + " characters, more than the limit of "
                    + MAX_ID_LENGTH);
        }
        if (!ID.matcher(id).matches()) {
            throw new InvalidInputException(field, "'" + printable(id) + "' may hold only letters, digits and . _ - : @"
                    + " and must start with a letter or digit");
        }
    }

    private String cleanText(String raw) {
        if (raw == null) {
            throw new InvalidInputException("text", "is missing");
        }
        // refuse before scanning a huge text character by character
        if (raw.length() > 2 * maxTextLength + 64) {
            throw new InvalidInputException("text", "is " + raw.length() + " characters, more than the limit of "
                    + maxTextLength);
        }
        StringBuilder out = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(raw.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                throw new InvalidInputException("text", "holds an unpaired surrogate at index " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidInputException("text", "holds an unpaired surrogate at index " + i);
            }
            boolean control = Character.getType(c) == Character.CONTROL || isBidiControl(c);
            if (control && out == null) {
                out = new StringBuilder(raw.length()).append(raw, 0, i);
            }
            if (out != null) {
                out.append(control ? ' ' : c);
            }
        }
        String text = (out == null ? raw : out.toString()).strip();
        if (text.isEmpty()) {
            throw new InvalidInputException("text", "is blank");
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxTextLength) {
            throw new InvalidInputException("text", "is " + length + " characters, more than the limit of "
                    + maxTextLength);
        }
        return text;
    }

    /** Bidi embeddings, overrides, isolates and marks: they can make a stored or logged text read backwards. */
    private static boolean isBidiControl(char c) {
        return c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069' || c == '\u200E' || c == '\u200F'
                || c == '\u061C';
    }

    /** A value safe to put in an error message and a log line. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 60; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return value.length() > 60 ? out + "..." : out.toString();
    }
}
