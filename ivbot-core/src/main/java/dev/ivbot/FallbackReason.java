package dev.ivbot;

/** Why the fallback answered instead of the knowledge base. Immutable and thread-safe. */
public enum FallbackReason {
    /** No classifier recognised anything in the question. */
    OUT_OF_SCOPE,
    /** The best intent scored below the confidence threshold. */
    LOW_CONFIDENCE,
    /** Two intents scored close together; the reply asks which one was meant. */
    AMBIGUOUS,
    /** Every classifier failed or missed the deadline. */
    CLASSIFIER_UNAVAILABLE,
    /** The session store was busy (failover); the turn was not applied. */
    STORE_BUSY
}
