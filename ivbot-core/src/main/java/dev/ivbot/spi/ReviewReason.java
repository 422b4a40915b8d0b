package dev.ivbot.spi;

/** Why a turn went to the review queue. Immutable and thread-safe. */
public enum ReviewReason {
    /** The fallback answered: nothing recognised, or every classifier failed. */
    FALLBACK,
    /** The best intent scored below the KB's threshold, or was answered with little margin above it. */
    LOW_CONFIDENCE,
    /** The reply asked the user to choose between intents. */
    CLARIFIED,
    /** A lesser path answered (the primary classifier failed or missed its deadline). */
    DEGRADED,
    /** The user asked the same thing again in other words right after this turn's answer. */
    REPHRASED,
    /** The user asked for a person ("转人工", "human") right after this turn's answer. */
    HUMAN_REQUESTED
}
