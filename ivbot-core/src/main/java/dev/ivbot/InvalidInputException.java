package dev.ivbot;

/**
 * A request argument broke a documented limit (blank text, text too long, a bad id, ...).
 * Nothing was read or stored. {@link #field()} names the argument that was wrong.
 *
 * <p>Immutable and thread-safe.
 */
public class InvalidInputException extends IvbotException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidInputException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The request field that was wrong, e.g. {@code "text"} or {@code "sessionId"}. */
    public String field() {
        return field;
    }
}
