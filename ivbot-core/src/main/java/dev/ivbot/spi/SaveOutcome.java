package dev.ivbot.spi;

/** The result of {@link SessionStore#save(SessionState)}. Immutable and thread-safe. */
public enum SaveOutcome {
    /** The state was written and its TTL renewed. */
    SAVED,
    /** The stored version was not {@code state.version() - 1}: another turn saved first. Nothing was written. */
    CONFLICT
}
