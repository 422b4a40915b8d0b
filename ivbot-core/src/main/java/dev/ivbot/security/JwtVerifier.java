package dev.ivbot.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import dev.ivbot.internal.InputValidator;
import dev.ivbot.security.TokenRejectedException.Reason;
import dev.ivbot.security.internal.PemKeys;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the JWT bearer tokens that a host application receives with chat requests, with
 * <a href="https://github.com/auth0/java-jwt">java-jwt</a>.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.builder()
 *         .rsaPublicKeyPem(portalPublicKeyPem)
 *         .issuer("https://portal.example.com")
 *         .audience("ivbot")
 *         .claimToSlot("track", "track")
 *         .build();
 * VerifiedToken token = verifier.verify(request.getHeader("Authorization"));
 * engine.chat(ChatRequest.of(token.userId(), sessionId, text)
 *         .withAttributes(token.slotAttributesKnownTo(engine.knowledgeBase())));
 * }</pre>
 *
 * <p>A token is accepted only if, in this order: it is a compact JWS of at most
 * {@value #MAX_TOKEN_LENGTH} characters; its {@code alg} is not {@code none} and is one for which a
 * key is configured (HS256/HS384/HS512 with {@link Builder#hmacSecret}, RS256 with
 * {@link Builder#rsaPublicKeyPem}, ES256 with {@link Builder#ecPublicKeyPem}); the header has no
 * {@code crit} parameter (it would list extensions the verifier must understand, and it understands
 * none); the signature matches; {@code exp} is present and not past, {@code nbf} and {@code iat} are not in the future
 * (each with the {@link Builder#leeway leeway}); {@code iss} and {@code aud} match when configured;
 * and the user claim is a valid ivbot user id. Anything else is a {@link TokenRejectedException}
 * with its {@link TokenRejectedException.Reason reason}. The header picks the algorithm only among
 * the configured keys, and each key serves only its own family, so an RSA public key can never be
 * used as an HMAC secret ("algorithm confusion").
 *
 * <p>Nothing of a token is logged or put in an exception message.
 *
 * <p>A portal sends the same token with every turn of a session, so a token accepted once is kept
 * (up to {@link Builder#verifiedTokenCacheSize}, least recently used out first, default
 * {@value #DEFAULT_VERIFIED_TOKEN_CACHE_SIZE}), and the same string again is answered without
 * decoding it or checking its signature: only its expiry is checked again, against the clock, with
 * the leeway. The key is the whole token, signature included, so a token that differs in any
 * character is verified in full; refusals are never kept. This is what Envoy's {@code jwt_authn}
 * filter does with its {@code jwt_cache_config}. On the example server, checking the token was 16 %
 * of a chat request's CPU; with the cache a request costs 11-33 % less (docs/benchmarks.md).
 *
 * <p>Thread-safe: build one at start-up and share it. Its configuration is immutable.
 */
public final class JwtVerifier {

    /** Default tolerance for clock skew on {@code exp}, {@code nbf} and {@code iat}. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** Largest leeway accepted by the builder. */
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(10);
    /** Default claim that names the user. */
    public static final String DEFAULT_USER_CLAIM = "sub";
    /** Shortest HMAC secret accepted, in bytes (256 bits, as RFC 7518 asks for HS256). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;
    /** Longest token accepted, in characters, prefix excluded; longer ones are refused before decoding. */
    public static final int MAX_TOKEN_LENGTH = 8192;
    /** Default number of accepted tokens kept. */
    public static final int DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
    /** The JWS header parameter that lists extensions a recipient must understand (RFC 7515 section 4.1.11). */
    private static final String CRITICAL_HEADER = "crit";
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** Slot values are KB ids; a claim value of another shape cannot name one and is dropped. */
    private static final Pattern SLOT_VALUE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final Map<String, JWTVerifier> verifiers;
    private final Clock clock;
    private final String userClaim;
    private final Map<String, String> claimToSlot;
    private final Duration leeway;
    private final @Nullable Cache<String, Accepted> accepted;

    /** A token accepted at {@code verifiedAt}: what it says, and when it was checked (a clock set back re-verifies). */
    private record Accepted(VerifiedToken token, Instant verifiedAt) {}

    private JwtVerifier(Builder b) {
        Map<String, Algorithm> algorithms = new LinkedHashMap<>();
        if (b.hmacSecret != null) {
            algorithms.put("HS256", Algorithm.HMAC256(b.hmacSecret));
            algorithms.put("HS384", Algorithm.HMAC384(b.hmacSecret));
            algorithms.put("HS512", Algorithm.HMAC512(b.hmacSecret));
        }
        if (b.rsaPem != null) {
            algorithms.put("RS256", Algorithm.RSA256(PemKeys.rsa(b.rsaPem, "rsaPublicKeyPem"), null));
        }
        if (b.ecPem != null) {
            algorithms.put("ES256", Algorithm.ECDSA256(PemKeys.p256(b.ecPem, "ecPublicKeyPem"), null));
        }
        Map<String, JWTVerifier> built = new LinkedHashMap<>();
        for (Map.Entry<String, Algorithm> e : algorithms.entrySet()) {
            Verification v = JWT.require(e.getValue()).acceptLeeway(b.leeway.toSeconds());
            if (b.issuer != null) {
                v = v.withIssuer(b.issuer);
            }
            if (b.audience != null) {
                v = v.withAudience(b.audience);
            }
            built.put(e.getKey(), ((JWTVerifier.BaseVerification) v).build(b.clock));
        }
        this.verifiers = Map.copyOf(built);
        this.clock = b.clock;
        this.userClaim = b.userClaim;
        this.claimToSlot = Map.copyOf(b.claimToSlot);
        this.leeway = b.leeway;
        this.accepted = b.verifiedTokenCacheSize == 0 ? null
                : Caffeine.newBuilder().maximumSize(b.verifiedTokenCacheSize).executor(Runnable::run).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a token, as sent in an {@code Authorization} header ({@code "Bearer <token>"}) or bare.
     *
     * @param bearerToken the header value or the token; null counts as missing
     * @return the user and the mapped slot values
     * @throws TokenRejectedException if the token is not acceptable; {@link TokenRejectedException#reason()} says why
     */
    public VerifiedToken verify(@Nullable String bearerToken) {
        try {
            return verifyOrThrow(bearerToken);
        } catch (TokenRejectedException e) {
            LOG.debug("bearer token rejected: {}", e.reason());
            throw e;
        }
    }

    private VerifiedToken verifyOrThrow(@Nullable String bearerToken) {
        String token = stripBearer(bearerToken);
        if (token.isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING, "no bearer token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException(Reason.TOO_LONG, "longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        if (accepted == null) {
            return verifyInFull(token);
        }
        Accepted seen = accepted.getIfPresent(token);
        Instant now = clock.instant();
        if (seen != null && !now.isBefore(seen.verifiedAt())) {
            // as java-jwt decides: still valid while now - leeway is before exp
            if (now.minus(leeway).isBefore(seen.token().expiresAt())) {
                return seen.token();
            }
            accepted.invalidate(token);
            throw new TokenRejectedException(Reason.EXPIRED, "expired (leeway included)");
        }
        VerifiedToken verified = verifyInFull(token);
        accepted.put(token, new Accepted(verified, now));
        return verified;
    }

    private VerifiedToken verifyInFull(String token) {
        if (!COMPACT_JWS.matcher(token).matches()) {
            throw new TokenRejectedException(Reason.MALFORMED, "not a compact JWS (three base64url parts)");
        }
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(Reason.MALFORMED, "header or payload is not valid base64url JSON");
        }
        String alg = jwt.getAlgorithm();
        if (alg == null || alg.isBlank()) {
            throw new TokenRejectedException(Reason.MALFORMED, "the header has no 'alg'");
        }
        if (alg.strip().equalsIgnoreCase("none")) {
            throw new TokenRejectedException(Reason.ALG_NONE, "unsigned tokens (alg none) are never accepted");
        }
        JWTVerifier verifier = verifiers.get(alg);
        if (verifier == null) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM,
                    "no key is configured for the token's algorithm; accepted: " + verifiers.keySet());
        }
        // java-jwt ignores crit; RFC 7515 4.1.11 says a recipient that does not understand an extension
        // listed there must refuse the token, and a malformed crit (empty, not a list) is refused alike
        if (!jwt.getHeaderClaim(CRITICAL_HEADER).isMissing()) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_CRITICAL_HEADER,
                    "the header lists critical extensions ('crit'), and none is supported");
        }
        try {
            verifier.verify(jwt);
        } catch (JWTVerificationException e) {
            throw translate(e);
        }
        Instant expiresAt;
        try {
            expiresAt = jwt.getExpiresAtAsInstant();
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(Reason.MALFORMED, "'exp' is not a number");
        }
        if (expiresAt == null) {
            throw new TokenRejectedException(Reason.MISSING_EXPIRY, "the token has no 'exp'");
        }
        return new VerifiedToken(userId(jwt), slotAttributes(jwt), expiresAt);
    }

    private static String stripBearer(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String v = value.strip();
        if (v.length() >= 6 && v.regionMatches(true, 0, "Bearer", 0, 6)
                && (v.length() == 6 || Character.isWhitespace(v.charAt(6)))) {
            v = v.substring(6).strip();
        }
        return v;
    }

    private TokenRejectedException translate(JWTVerificationException e) {
        if (e instanceof SignatureVerificationException) {
            return new TokenRejectedException(Reason.BAD_SIGNATURE, "the signature does not match the configured key");
        }
        if (e instanceof AlgorithmMismatchException) {
            return new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM, "the algorithm does not match the key");
        }
        if (e instanceof TokenExpiredException) {
            return new TokenRejectedException(Reason.EXPIRED, "expired (leeway included)");
        }
        String claim = e instanceof IncorrectClaimException ? ((IncorrectClaimException) e).getClaimName()
                : e instanceof MissingClaimException ? ((MissingClaimException) e).getClaimName() : "";
        switch (claim == null ? "" : claim) {
            case "iss":
                return new TokenRejectedException(Reason.WRONG_ISSUER, "'iss' is missing or not the configured issuer");
            case "aud":
                return new TokenRejectedException(Reason.WRONG_AUDIENCE,
                        "'aud' is missing or does not name the configured audience");
            case "nbf":
            case "iat":
                return new TokenRejectedException(Reason.NOT_YET_VALID, "'" + claim + "' is in the future (leeway included)");
            case "exp":
                return new TokenRejectedException(Reason.EXPIRED, "expired (leeway included)");
            default:
                return new TokenRejectedException(Reason.MALFORMED, "a registered claim has the wrong type");
        }
    }

    private String userId(DecodedJWT jwt) {
        Claim claim = jwt.getClaim(userClaim);
        if (claim.isMissing() || claim.isNull()) {
            throw new TokenRejectedException(Reason.MISSING_USER_CLAIM, "the user claim '" + userClaim + "' is missing");
        }
        String id = claim.asString();
        if (id == null) {
            throw new TokenRejectedException(Reason.BAD_USER_CLAIM, "the user claim '" + userClaim + "' is not a text");
        }
        if (!InputValidator.ID.matcher(id).matches()) {
            throw new TokenRejectedException(Reason.BAD_USER_CLAIM, "the user claim '" + userClaim
                    + "' is not a valid user id (letters, digits and . _ - : @, at most "
                    + InputValidator.MAX_ID_LENGTH + ")");
        }
        return id;
    }

    private Map<String, String> slotAttributes(DecodedJWT jwt) {
        if (claimToSlot.isEmpty()) {
            return Map.of();
        }
        Map<String, String> slots = new LinkedHashMap<>();
        claimToSlot.forEach((claimName, slot) -> {
            Claim claim = jwt.getClaim(claimName);
            if (claim.isMissing() || claim.isNull()) {
                return;
            }
            String value = claim.asString();
            if (value != null && SLOT_VALUE.matcher(value).matches()) {
                slots.put(slot, value);
            } else {
                LOG.debug("claim '{}' is not a slot value and is ignored", claimName);
            }
        });
        return slots;
    }

    /** The clock that decides expiry. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "JwtVerifier[algorithms=" + verifiers.keySet() + ", userClaim=" + userClaim + "]";
    }

    /**
     * Options for a {@link JwtVerifier}. Each setter checks its argument and names it in the
     * exception; {@link #build()} leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {
        private byte @Nullable [] hmacSecret;
        private @Nullable String rsaPem;
        private @Nullable String ecPem;
        private @Nullable String issuer;
        private @Nullable String audience;
        private Duration leeway = DEFAULT_LEEWAY;
        private Clock clock = Clock.systemUTC();
        private String userClaim = DEFAULT_USER_CLAIM;
        private final Map<String, String> claimToSlot = new LinkedHashMap<>();
        private int verifiedTokenCacheSize = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;

        private Builder() {}

        /**
         * How many accepted tokens are kept, so that the same token again is not decoded and its
         * signature not checked again (its expiry always is); default
         * {@value #DEFAULT_VERIFIED_TOKEN_CACHE_SIZE} (a few MB at most); 0 verifies every token in full.
         */
        public Builder verifiedTokenCacheSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("verifiedTokenCacheSize must be 0 or more, was " + size);
            }
            this.verifiedTokenCacheSize = size;
            return this;
        }

        /**
         * Accepts HS256, HS384 and HS512 tokens signed with this secret (the token's header picks
         * which). At least {@value #MIN_HMAC_SECRET_BYTES} bytes; the array is copied.
         */
        public Builder hmacSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_HMAC_SECRET_BYTES) {
                throw new IllegalArgumentException("secret must be at least " + MIN_HMAC_SECRET_BYTES
                        + " bytes, was " + secret.length);
            }
            this.hmacSecret = secret.clone();
            return this;
        }

        /** Accepts RS256 tokens signed by the private half of this RSA key (PEM, at least 2048 bits). */
        public Builder rsaPublicKeyPem(String pem) {
            PemKeys.rsa(pem, "pem");
            this.rsaPem = pem;
            return this;
        }

        /** Accepts ES256 tokens signed by the private half of this P-256 key (PEM). */
        public Builder ecPublicKeyPem(String pem) {
            PemKeys.p256(pem, "pem");
            this.ecPem = pem;
            return this;
        }

        /** Requires {@code iss} to equal this. */
        public Builder issuer(String issuer) {
            this.issuer = requireText(issuer, "issuer");
            return this;
        }

        /** Requires {@code aud} to be or contain this. */
        public Builder audience(String audience) {
            this.audience = requireText(audience, "audience");
            return this;
        }

        /** Tolerance for clock skew on {@code exp}, {@code nbf} and {@code iat}, in whole seconds; default 30 s, at most 10 min. */
        public Builder leeway(Duration leeway) {
            Objects.requireNonNull(leeway, "leeway");
            if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
                throw new IllegalArgumentException("leeway must be from 0 to " + MAX_LEEWAY + ", was " + leeway);
            }
            this.leeway = leeway;
            return this;
        }

        /** The clock that decides expiry; default the system UTC clock. Tests inject a fixed one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The claim that holds the user id; default {@code sub}. */
        public Builder userClaim(String claim) {
            this.userClaim = requireText(claim, "claim");
            return this;
        }

        /**
         * Copies the text claim {@code claim}, when present, into {@link VerifiedToken#slotAttributes()}
         * under {@code slot}. A value that cannot be a slot value (not {@code [a-z][a-z0-9_]*}, at
         * most 64 characters) or is not a text is ignored.
         */
        public Builder claimToSlot(String claim, String slot) {
            requireText(claim, "claim");
            requireText(slot, "slot");
            if (!SLOT_VALUE.matcher(slot).matches()) {
                throw new IllegalArgumentException("slot must be a KB slot name ([a-z][a-z0-9_]*), was '" + slot + "'");
            }
            if (claim.equals(userClaim)) {
                throw new IllegalArgumentException("claim '" + claim + "' is the user claim");
            }
            claimToSlot.put(claim, slot);
            return this;
        }

        /**
         * @throws IllegalStateException if no key is configured
         */
        public JwtVerifier build() {
            if (hmacSecret == null && rsaPem == null && ecPem == null) {
                throw new IllegalStateException("no key: set hmacSecret, rsaPublicKeyPem or ecPublicKeyPem");
            }
            if (claimToSlot.containsKey(userClaim)) {
                throw new IllegalStateException("userClaim '" + userClaim + "' is also mapped to a slot");
            }
            return new JwtVerifier(this);
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
