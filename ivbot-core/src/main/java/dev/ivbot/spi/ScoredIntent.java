package dev.ivbot.spi;

/**
 * An intent with the classifier's score for it, in [0, 1]; higher is more likely. Scores of one
 * {@link Classification} are comparable with each other and with the KB's confidence threshold.
 *
 * <p>Immutable and thread-safe.
 */
public record ScoredIntent(String intent, double score) {}
