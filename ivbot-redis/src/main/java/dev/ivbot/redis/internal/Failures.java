package dev.ivbot.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Tells a failover (retry later) from a real error. Stateless. */
public final class Failures {

    private static final String[] TRANSIENT_REPLIES = {"MOVED", "ASK", "CLUSTERDOWN", "TRYAGAIN", "LOADING",
        "READONLY", "MASTERDOWN", "NOREPLICAS", "BUSY"};

    private Failures() {}

    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * True if the failed command certainly did not run: the client refused to send it (not
     * connected), the connection could not be opened, or the server answered with an error reply.
     * A timeout or a connection lost with the command in flight leaves its outcome unknown.
     */
    public static boolean isNotApplied(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof RedisCommandExecutionException || e instanceof io.lettuce.core.RedisConnectionException) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.contains("Currently not connected") || m.contains("Commands are rejected")
                || m.startsWith("CLUSTERDOWN no master known");
    }

    /** True if the command may succeed on a master later: connection lost, timeout, redirect, failover replies. */
    public static boolean isTransient(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof RedisCommandExecutionException) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            for (String prefix : TRANSIENT_REPLIES) {
                if (m.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
        return e instanceof RedisException || e instanceof IOException || e instanceof CancellationException;
    }
}
