package dev.ivbot;

/**
 * The languages ivbot answers in. A question is Chinese if it contains a Han character.
 * Immutable and thread-safe.
 */
public enum Language {
    ZH("zh"),
    EN("en");

    private final String code;

    Language(String code) {
        this.code = code;
    }

    /** The ISO 639-1 code, {@code "zh"} or {@code "en"}. */
    public String code() {
        return code;
    }

    /** Chinese if the text contains a CJK ideograph, English otherwise. */
    public static Language detect(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x3400 && c <= 0x9FFF || c >= 0xF900 && c <= 0xFAFF) {
                return ZH;
            }
        }
        return EN;
    }

    /** Parses {@code "zh"} or {@code "en"} (case-insensitive). */
    public static Language fromCode(String code) {
        for (Language language : values()) {
            if (language.code.equalsIgnoreCase(code)) {
                return language;
            }
        }
        throw new IllegalArgumentException("unknown language '" + code + "', expected zh or en");
    }
}
