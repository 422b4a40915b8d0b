package dev.ivbot.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in a user's question by placeholders before the text is stored or
 * published: e-mail addresses ({@code <email>}), mainland Chinese resident ID card numbers
 * ({@code <id>}, 18 digits with a valid check character, or the old 15-digit form), bank card
 * numbers ({@code <card>}, 13-19 digits, optionally grouped by spaces or hyphens, passing the Luhn
 * check) and phone numbers ({@code <phone>}: mainland mobiles with an optional +86/0086 prefix,
 * and other numbers written with a leading {@code +} country code).
 *
 * <p>Digits that match none of these (an order number, "12345", a year) are kept: the review queue
 * needs them to understand a question. The check digits keep random long numbers from being taken
 * for IDs or cards. Redaction is idempotent.
 *
 * <p>Stateless and thread-safe; {@link #standard()} returns a shared instance.
 */
public final class PiiRedactor {

    public static final String EMAIL = "<email>";
    public static final String ID_CARD = "<id>";
    public static final String BANK_CARD = "<card>";
    public static final String PHONE = "<phone>";

    private static final PiiRedactor STANDARD = new PiiRedactor();

    private static final Pattern EMAIL_PATTERN =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    // digits glued to other digits are a different number: (?<!\d) and (?!\d) keep "123456789012345678901" whole
    private static final Pattern ID18_PATTERN = Pattern.compile("(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])");
    private static final Pattern ID15_PATTERN = Pattern.compile("(?<![0-9])[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}(?![0-9])");
    private static final Pattern CARD_PATTERN = Pattern.compile("(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])");
    private static final Pattern MOBILE_PATTERN =
            Pattern.compile("(?<![0-9+])(?:(?:\\+|00)86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])");
    private static final Pattern INTERNATIONAL_PATTERN = Pattern.compile("(?<![0-9])\\+[1-9][0-9 ()-]{6,18}[0-9]");

    private static final int[] ID_WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final String ID_CHECK = "10X98765432";

    private PiiRedactor() {}

    /** The shared instance with the rules described above. */
    public static PiiRedactor standard() {
        return STANDARD;
    }

    /** The text with every recognised piece of personal data replaced by its placeholder. */
    public String redact(String text) {
        if (!mayContainPii(text)) {
            return text;
        }
        String s = EMAIL_PATTERN.matcher(text).replaceAll(EMAIL);
        s = replaceChecked(ID18_PATTERN, s, ID_CARD, PiiRedactor::isValidId18);
        s = ID15_PATTERN.matcher(s).replaceAll(ID_CARD);
        // mobiles before cards: an 11-digit mobile is too short to be a card, but "+86 138..." with its prefix is not
        s = MOBILE_PATTERN.matcher(s).replaceAll(PHONE);
        s = replaceChecked(CARD_PATTERN, s, BANK_CARD, PiiRedactor::isLuhnValid);
        s = INTERNATIONAL_PATTERN.matcher(s).replaceAll(PHONE);
        return s;
    }

    private static boolean mayContainPii(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@') {
                return true;
            }
            if (c >= '0' && c <= '9' && ++digits >= 7) {
                return true;
            }
        }
        return false;
    }

    private interface Check {
        boolean test(String match);
    }

    private static String replaceChecked(Pattern pattern, String text, String placeholder, Check check) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            if (!check.test(m.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(placeholder);
            last = m.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    static boolean isValidId18(String id) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (id.charAt(i) - '0') * ID_WEIGHTS[i];
        }
        return Character.toUpperCase(id.charAt(17)) == ID_CHECK.charAt(sum % 11);
    }

    static boolean isLuhnValid(String number) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
