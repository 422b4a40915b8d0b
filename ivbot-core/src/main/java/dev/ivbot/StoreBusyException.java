package dev.ivbot;

/**
 * The session store could not accept a save within its bound (for example, no Redis master was
 * reachable for longer than the failover buffer allows). The turn was not applied; the user should
 * retry. {@link DialogEngine#chat} turns this into a "system busy" reply rather than throwing.
 *
 * <p>Immutable and thread-safe.
 */
public class StoreBusyException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public StoreBusyException(String message) {
        super(message);
    }

    public StoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
