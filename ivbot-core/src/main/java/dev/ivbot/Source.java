package dev.ivbot;

/** Where a reply's intent came from. Immutable and thread-safe. */
public enum Source {
    /** The primary statistical model (for example the ONNX BERT classifier). */
    MODEL,
    /** The rule classifier. */
    RULES,
    /** The classification cache (a question normalised to the same text was answered before). */
    CACHE,
    /** A follow-up that named only a slot value and kept the session's previous intent. */
    CONTEXT,
    /** The user picked one of the choices of a clarifying reply. */
    CHOICE,
    /** No intent: the {@link dev.ivbot.spi.Fallback} answered. */
    FALLBACK
}
