package dev.ivbot.kb;

import dev.ivbot.IvbotException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A knowledge base could not be loaded. Each {@link Problem} names the file, the line and what is
 * wrong; the message lists them all (up to {@value #MAX_PROBLEMS}). A running engine keeps its old
 * knowledge base when a reload throws this.
 *
 * <p>Immutable and thread-safe.
 */
public class KnowledgeBaseException extends IvbotException {
    private static final long serialVersionUID = 1L;

    /** Most problems reported at once. */
    public static final int MAX_PROBLEMS = 20;

    private final List<Problem> problems;

    public KnowledgeBaseException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public KnowledgeBaseException(Problem problem) {
        this(List.of(problem));
    }

    /** What is wrong, in file order; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        if (problems.size() == 1) {
            return "invalid knowledge base: " + problems.get(0);
        }
        return "invalid knowledge base, " + problems.size() + " problems:\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
    }

    /**
     * One thing wrong in one place.
     *
     * @param file the file, as given to the loader (relative to the KB folder)
     * @param line 1-based line, or 0 when the problem is not tied to a line
     * @param column 1-based column, or 0
     * @param message what is wrong
     */
    public record Problem(String file, int line, int column, String message) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
        }
    }
}
