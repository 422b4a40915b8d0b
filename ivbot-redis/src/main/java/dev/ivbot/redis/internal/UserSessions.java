package dev.ivbot.redis.internal;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Each user's live sessions, for the per-user cap: a sorted set of store session ids scored by last
 * use, one per user, under {@code ivbot:u:{<user>}}. The engine's store ids begin
 * with 16 hex digits of the user's hash ({@code DialogEngine.storeSessionId}); that prefix names
 * the set, so a delete, which knows only the session id, finds it too. Another id (a host using
 * the SPI directly) is indexed under its user id.
 *
 * <p>One script marks a session used, drops members older than the TTL (sessions that expired)
 * and pops the least recently used ones beyond the cap, atomically on the set's node; the store
 * then deletes the popped sessions, which may live on other Cluster nodes.
 *
 * <p>Stateless and thread-safe.
 */
public final class UserSessions {

    /**
     * KEYS[1] the set; ARGV[1] the session id, ARGV[2] the TTL (ms), ARGV[3] the cap, ARGV[4] how
     * stale a recorded use may be (ms): a member is dropped as expired only that much after the TTL,
     * since its session may have been used since without being recorded. Scores are the
     * set's node's clock in microseconds (one clock for all stores, as a user's set lives on one
     * node), kept strictly increasing so that two uses within one tick still keep their order.
     */
    public static final String SOURCE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            if top[2] and tonumber(top[2]) >= now then now = tonumber(top[2]) + 1 end
            local ttl = tonumber(ARGV[2])
            local expired = now - (ttl + tonumber(ARGV[4])) * 1000
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', expired))
            redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ttl)
            local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
            if excess <= 0 then return {} end
            local popped = redis.call('ZPOPMIN', KEYS[1], excess)
            local ids = {}
            for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
            return ids
            """;
    public static final String SHA1 = SaveScript.sha1(SOURCE);

    private static final Pattern ENGINE_ID = Pattern.compile("[0-9a-f]{16}[:.].*", Pattern.DOTALL);

    private UserSessions() {}

    /** The set of the user that {@code sessionId} belongs to, as far as the id tells (engine ids). */
    public static String keyOf(String sessionId, String userId) {
        String engineUser = keyOf(sessionId);
        // '=' never occurs in a hash prefix, so a user id can never name an engine user's set
        return engineUser != null ? engineUser : "ivbot:u:{=" + userId + "}";
    }

    /** The set of an engine session id's user, or null for an id of another form. */
    public static @Nullable String keyOf(String sessionId) {
        return ENGINE_ID.matcher(sessionId).matches() ? "ivbot:u:{" + sessionId.substring(0, 16) + "}" : null;
    }

    /** Marks {@code sessionId} used now; completes with the ids evicted to keep the user within {@code cap}. */
    public static CompletableFuture<List<String>> use(StatefulRedisConnection<String, String> connection,
            String key, String sessionId, long ttlMillis, long staleMillis, int cap) {
        CompletableFuture<List<Object>> run = SaveScript.evalCached(connection, SOURCE, SHA1,
                ScriptOutputType.MULTI, new String[] {key},
                new String[] {sessionId, Long.toString(ttlMillis), Integer.toString(cap), Long.toString(staleMillis)});
        return run.thenApply(list -> {
            List<String> ids = new ArrayList<>(list.size());
            for (Object o : list) {
                ids.add(String.valueOf(o));
            }
            return ids;
        });
    }

    /** Removes {@code sessionId} from its user's set (after a delete). */
    public static CompletableFuture<Long> forget(StatefulRedisConnection<String, String> connection, String key,
            String sessionId) {
        return connection.async().zrem(key, sessionId).toCompletableFuture();
    }
}
