package dev.ivbot.kb;

import dev.ivbot.Language;
import java.util.Objects;

/**
 * A text in Chinese and English.
 *
 * <p>Immutable and thread-safe.
 */
public record LocalizedText(String zh, String en) {

    public LocalizedText {
        Objects.requireNonNull(zh, "zh");
        Objects.requireNonNull(en, "en");
    }

    public String in(Language language) {
        return language == Language.ZH ? zh : en;
    }
}
