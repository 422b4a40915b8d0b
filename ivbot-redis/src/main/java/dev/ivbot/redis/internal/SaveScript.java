package dev.ivbot.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The compare-and-set save as one Lua script: check the stored version (and that the stored
 * session has the same owner, so that a stale local copy can never overwrite another user's
 * session that reached the same version), write the fields, append
 * the write id to a short log, renew the TTL. Idempotent per write id: a save replayed after a
 * failover, whose first attempt did land, answers {@link #ALREADY_APPLIED} instead of a conflict.
 *
 * <p>KEYS[1] the session hash; ARGV[1] the expected stored version (0 when absent); ARGV[2] TTL in
 * milliseconds; ARGV[3] the write id; ARGV[4..] field, value pairs. Returns 0 (conflict), 1 (saved)
 * or 2 (this write id was applied before). Thread-safe.
 */
public final class SaveScript {

    public static final long CONFLICT = 0;
    public static final long SAVED = 1;
    public static final long ALREADY_APPLIED = 2;
    /** The hash field holding the write-id log. */
    public static final String WRITE_LOG_FIELD = "_w";

    public static final String SOURCE = """
            local cur = redis.call('HMGET', KEYS[1], 'ver', '_w', 'user')
            local ver = tonumber(cur[1] or '0')
            local log = cur[2] or ''
            local owner = nil
            for i = 4, #ARGV - 1, 2 do
              if ARGV[i] == 'user' then owner = ARGV[i + 1] end
            end
            if ver ~= tonumber(ARGV[1]) or (cur[3] and owner and cur[3] ~= owner) then
              if log ~= '' and string.find(' ' .. log .. ' ', ' ' .. ARGV[3] .. ' ', 1, true) then
                return 2
              end
              return 0
            end
            log = log .. ' ' .. ARGV[3]
            if #log > 320 then
              local cut = string.find(log, ' ', #log - 240, true)
              if cut then log = string.sub(log, cut + 1) end
            end
            redis.call('HSET', KEYS[1], '_w', log, unpack(ARGV, 4))
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    public static final String SHA1 = sha1(SOURCE);

    private SaveScript() {}

    /** EVALSHA, falling back to EVAL (which caches the script) when the server answers NOSCRIPT. */
    public static CompletableFuture<Long> run(StatefulRedisConnection<String, String> connection, String key,
            String[] args) {
        return evalCached(connection, SOURCE, SHA1, ScriptOutputType.INTEGER, new String[] {key}, args);
    }

    /** EVALSHA of {@code source} (whose SHA-1 is {@code sha1}), EVAL when the server answers NOSCRIPT. */
    static <T> CompletableFuture<T> evalCached(StatefulRedisConnection<String, String> connection, String source,
            String sha1, ScriptOutputType type, String[] keys, String[] args) {
        CompletableFuture<T> first = connection.async().<T>evalsha(sha1, type, keys, args).toCompletableFuture();
        return first.handle((result, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(result);
            }
            if (isNoScript(error)) {
                return connection.async().<T>eval(source, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(error);
        }).thenCompose(f -> f);
    }

    static boolean isNoScript(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof RedisNoScriptException || (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"));
    }

    static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
