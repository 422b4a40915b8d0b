package dev.ivbot.rules.internal;

/**
 * A text that a regular expression may read only so many characters of. A KB pattern with
 * catastrophic backtracking (such as {@code (a+)+$}) on a crafted question then stops after the
 * budget instead of stalling the turn: {@link BudgetExceededException} is thrown from
 * {@link #charAt}, and the caller treats the pattern as not matching.
 *
 * <p>Not thread-safe: one instance per match.
 */
public final class BoundedText implements CharSequence {

    /** Thrown when the budget is spent. Carries no stack trace: it is control flow. */
    public static final class BudgetExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceededException() {
            super("regular expression read budget exceeded", null, false, false);
        }
    }

    private final String text;
    private final int[] budget;

    private BoundedText(String text, int[] budget) {
        this.text = text;
        this.budget = budget;
    }

    /** {@code text}, readable {@code maxReads} characters in all (sub-sequences share the budget). */
    public static BoundedText of(String text, int maxReads) {
        return new BoundedText(text, new int[] {maxReads});
    }

    @Override
    public char charAt(int index) {
        if (--budget[0] < 0) {
            throw new BudgetExceededException();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text.substring(start, end), budget);
    }

    @Override
    public String toString() {
        return text;
    }
}
