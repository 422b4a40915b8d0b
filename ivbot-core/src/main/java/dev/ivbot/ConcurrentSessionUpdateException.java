package dev.ivbot;

/**
 * A turn could not be applied because other turns kept updating the same session, even after the
 * bounded number of retries. The turn was not applied.
 *
 * <p>Immutable and thread-safe.
 */
public class ConcurrentSessionUpdateException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public ConcurrentSessionUpdateException(String sessionId, int attempts) {
        super("session " + sessionId + " changed concurrently on each of " + attempts + " attempts");
    }
}
