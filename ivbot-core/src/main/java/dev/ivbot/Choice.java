package dev.ivbot;

/**
 * One option of a clarifying reply: the intent and its title in the reply's language. Send it back
 * with {@link ChatRequest#withChoice(String)}.
 *
 * <p>Immutable and thread-safe.
 */
public record Choice(String intent, String label) {}
