package dev.ivbot.security;

import dev.ivbot.IvbotException;

/**
 * A bearer token was refused by {@link JwtVerifier#verify(String)}. {@link #reason()} says why, so
 * that a host can map it to a status (all of them are a 401 for the caller) and count them.
 *
 * <p>The message names the reason and, where it helps the operator, the configured claim or
 * algorithm, but never any part of the token: no header, no claim value, no signature. There is
 * no cause either, since the parser's own messages may quote the token.
 *
 * <p>Immutable and thread-safe.
 */
public class TokenRejectedException extends IvbotException {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** No token: null, empty, or a bare {@code "Bearer "}. */
        MISSING,
        /** Longer than {@link JwtVerifier#MAX_TOKEN_LENGTH} characters. */
        TOO_LONG,
        /** Not a compact JWS ({@code header.payload.signature} in base64url), or its JSON is broken. */
        MALFORMED,
        /** The header says {@code "alg": "none"} (in any case): an unsigned token is never accepted. */
        ALG_NONE,
        /** The header names an algorithm for which no key is configured. */
        UNSUPPORTED_ALGORITHM,
        /**
         * The header has a {@code crit} parameter: it names extensions that a recipient must
         * understand or refuse the token (RFC 7515 section 4.1.11), and this verifier understands none.
         */
        UNSUPPORTED_CRITICAL_HEADER,
        /** The signature does not match: a wrong key or a changed header or payload. */
        BAD_SIGNATURE,
        /** {@code exp} is past, beyond the leeway. */
        EXPIRED,
        /** {@code nbf} or {@code iat} is in the future, beyond the leeway. */
        NOT_YET_VALID,
        /** The token has no {@code exp}: a bearer token that never expires is refused. */
        MISSING_EXPIRY,
        /** {@code iss} is missing or not the configured issuer. */
        WRONG_ISSUER,
        /** {@code aud} is missing or does not contain the configured audience. */
        WRONG_AUDIENCE,
        /** The user claim ({@code sub} by default) is missing or null. */
        MISSING_USER_CLAIM,
        /** The user claim is not a text, or not a valid ivbot user id (letters, digits, {@code . _ - : @}, at most 128). */
        BAD_USER_CLAIM
    }

    private final Reason reason;

    public TokenRejectedException(Reason reason, String message) {
        super("token rejected (" + reason + "): " + message);
        this.reason = reason;
    }

    /** Why the token was refused. */
    public Reason reason() {
        return reason;
    }
}
