package dev.ivbot;

/**
 * A user tried to continue, heartbeat or end a session that another user opened. Nothing was
 * read or changed. The message names the session but never the owner.
 *
 * <p>Since sessions are stored per user ({@link DialogEngine#storeSessionId}), another user's
 * session id reaches the caller's own session, so this is a second line of defence: it is thrown
 * only when the store hands back another user's state (two users' hashes colliding, or a faulty
 * store).
 *
 * <p>Immutable and thread-safe.
 */
public class SessionAccessDeniedException extends IvbotException {
    private static final long serialVersionUID = 1L;
    private final String sessionId;

    public SessionAccessDeniedException(String sessionId) {
        super("session " + sessionId + " belongs to another user");
        this.sessionId = sessionId;
    }

    public String sessionId() {
        return sessionId;
    }
}
