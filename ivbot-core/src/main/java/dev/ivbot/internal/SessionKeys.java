package dev.ivbot.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id a session is stored under, derived from its user and the id the client chose, so that
 * two users who choose the same id reach two sessions. See {@code DialogEngine.storeSessionId}
 * for the layout and why it has that form.
 *
 * <p>Stateless and thread-safe.
 */
public final class SessionKeys {

    /** Hex digits of the user's hash: 64 bits, so that two users share a prefix only by accident of 2^-64. */
    public static final int USER_HASH_LENGTH = 16;
    /** Hex digits of a session id's hash when the id is too long to keep as it is: 128 bits. */
    static final int SESSION_HASH_LENGTH = 32;
    /** Longest session id kept as it is: the store id then still fits the id limit. */
    public static final int MAX_LITERAL_SESSION_ID = InputValidator.MAX_ID_LENGTH - USER_HASH_LENGTH - 1;

    private static final HexFormat HEX = HexFormat.of();
    /**
     * The users' hashes, since a user takes several turns: a SHA-256 with its {@code MessageDigest}
     * lookup was a tenth of a turn's CPU with the rules (the HTTP benchmark's JFR profile). Bounded;
     * a hash that was evicted is computed again, with the same result.
     */
    private static final Cache<String, String> USER_HASHES = Caffeine.newBuilder().maximumSize(10_000)
            .executor(Runnable::run).build(); // no maintenance task on a pool the engine does not own

    private SessionKeys() {}

    /**
     * {@code <16 hex of SHA-256(userId)>:<sessionId>}, or {@code <16 hex>.<32 hex of SHA-256(sessionId)>}
     * when the session id is longer than {@link #MAX_LITERAL_SESSION_ID}. The ids must have passed
     * {@link InputValidator#validateIds}; the result passes it too.
     */
    public static String storeId(String userId, String sessionId) {
        String user = USER_HASHES.get(userId, id -> sha256Hex(id, USER_HASH_LENGTH));
        // the separator sits at a fixed position, so a literal id can never equal a hashed one
        if (sessionId.length() <= MAX_LITERAL_SESSION_ID) {
            return user + ':' + sessionId;
        }
        return user + '.' + sha256Hex(sessionId, SESSION_HASH_LENGTH);
    }

    private static String sha256Hex(String text, int hexDigits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest, 0, hexDigits / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
