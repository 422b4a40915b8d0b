package dev.ivbot.redis.internal;

import io.lettuce.core.RedisException;

/**
 * A save ran on the master but fewer replicas than required confirmed it: it is in doubt, not
 * acknowledged, and waits in the buffer until a replay's {@code WAIT} confirms it. A
 * {@link RedisException}, so that {@link Failures#isTransient} treats it as a failover to wait out.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReplicationUnconfirmedException extends RedisException {
    private static final long serialVersionUID = 1L;

    public ReplicationUnconfirmedException(long confirmed, int required) {
        super(confirmed + " of " + required + " required replicas confirmed the save");
    }
}
