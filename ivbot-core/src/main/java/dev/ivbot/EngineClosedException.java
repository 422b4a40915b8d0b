package dev.ivbot;

/**
 * A call reached a {@link DialogEngine} after {@link DialogEngine#close()}.
 *
 * <p>Immutable and thread-safe.
 */
public class EngineClosedException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public EngineClosedException() {
        super("the DialogEngine is closed");
    }
}
