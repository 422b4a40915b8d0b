package dev.ivbot.kb.lint;

/**
 * One fault of a knowledge base, at one place.
 *
 * @param severity {@link Severity#ERROR} for what the KB must not ship with (the loader refuses it,
 *     or the bot answers wrong), {@link Severity#WARNING} for what degrades answers
 * @param code a stable, kebab-case name of the check (for example {@code duplicate-example}); the
 *     list is in {@code docs/kb-format.md}
 * @param message what is wrong and how to fix it
 * @param file the KB file, relative to the KB folder
 * @param line 1-based line, or 0 when the fault is not tied to a line
 *
 * <p>Immutable and thread-safe.
 */
public record LintFinding(Severity severity, String code, String message, String file, int line) {

    /** How bad a finding is; {@code ./ivbot kb lint} exits 1 when there is an error. */
    public enum Severity { ERROR, WARNING }

    /** {@code file:line: severity [code] message}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        return (line > 0 ? file + ":" + line : file) + ": " + severity.name().toLowerCase(java.util.Locale.ROOT)
                + " [" + code + "] " + message;
    }
}
