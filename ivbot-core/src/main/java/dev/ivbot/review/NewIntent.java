package dev.ivbot.review;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an operator types to turn a cluster into a new intent.
 *
 * @param id the intent id (lower case letters, digits and {@code _}, starting with a letter)
 * @param titleZh the Chinese title
 * @param titleEn the English title
 * @param answerZh the Chinese answer
 * @param answerEn the English answer
 *
 * <p>Immutable and thread-safe.
 */
public record NewIntent(String id, String titleZh, String titleEn, String answerZh, String answerEn) {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public NewIntent {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be lower case letters, digits and _, starting with a letter: " + id);
        }
        requireText(titleZh, "titleZh");
        requireText(titleEn, "titleEn");
        requireText(answerZh, "answerZh");
        requireText(answerEn, "answerEn");
    }

    private static void requireText(String s, String name) {
        if (Objects.requireNonNull(s, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
