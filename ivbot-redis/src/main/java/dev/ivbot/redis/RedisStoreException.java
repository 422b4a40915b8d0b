package dev.ivbot.redis;

import dev.ivbot.IvbotException;

/**
 * Redis answered a session command with an error that is not a failover (for example a script
 * error or an authentication failure), or a stored session could not be read. The operation
 * changed nothing that the caller can rely on; retrying will not help until the cause is fixed.
 *
 * <p>Immutable and thread-safe.
 */
public class RedisStoreException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public RedisStoreException(String message) {
        super(message);
    }

    public RedisStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
