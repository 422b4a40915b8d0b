package dev.ivbot.spi;

import dev.ivbot.Language;

/**
 * What a classifier sees of a turn.
 *
 * @param text the text as the user typed it (trimmed, control characters removed)
 * @param normalized the normalised text (NFKC, lower case, single spaces): the cache key
 * @param language the detected language
 *
 * <p>Immutable and thread-safe.
 */
public record ClassifierInput(String text, String normalized, Language language) {}
