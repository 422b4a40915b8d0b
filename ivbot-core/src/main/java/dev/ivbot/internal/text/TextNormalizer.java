package dev.ivbot.internal.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normalisation every component applies before matching: Unicode NFKC (full-width to
 * half-width, compatibility forms), lower case, format characters (bidi overrides, zero-width
 * spaces) dropped, other control characters and whitespace runs turned into a single space, and
 * the ends trimmed.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextNormalizer {

    private TextNormalizer() {}

    public static String normalize(String text) {
        // format characters go before NFKC, so that "e\u200B\u0301" composes to "é" at once and
        // normalising a normalised text changes nothing
        String s = isAscii(text) ? text : Normalizer.normalize(dropFormatCharacters(text), Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (type == Character.FORMAT) {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || type == Character.CONTROL) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static String dropFormatCharacters(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean format = Character.getType(c) == Character.FORMAT;
            if (format && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            } else if (!format && out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** True for the characters that make up a Latin word: ASCII letters and digits. */
    public static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z';
    }

    /** True for CJK ideographs. */
    public static boolean isHan(char c) {
        return c >= 0x3400 && c <= 0x9FFF || c >= 0xF900 && c <= 0xFAFF;
    }
}
