package dev.ivbot.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Keys, a fixed clock and token minting for tests, with java-jwt directly (main code has no minting
 * helper on purpose). Keys are generated once per JVM.
 */
public final class TestTokens {

    public static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    public static final String ISSUER = "https://portal.example.com";
    public static final String AUDIENCE = "ivbot";
    public static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);
    public static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210-test".getBytes(StandardCharsets.UTF_8);

    public static final KeyPair RSA = generate("RSA", 2048);
    public static final KeyPair OTHER_RSA = generate("RSA", 2048);
    public static final KeyPair EC = generateEc("secp256r1");
    public static final KeyPair OTHER_EC = generateEc("secp256r1");

    private TestTokens() {}

    /** A verifier with every key kind, the issuer, the audience, the fixed clock and track -> track. */
    public static JwtVerifier verifier() {
        return JwtVerifier.builder().hmacSecret(SECRET).rsaPublicKeyPem(pem(RSA)).ecPublicKeyPem(pem(EC))
                .issuer(ISSUER).audience(AUDIENCE).clock(CLOCK).claimToSlot("track", "track").build();
    }

    /** Valid claims for {@code user}: issuer, audience, iat now, exp in 10 minutes. */
    public static JWTCreator.Builder claims(String user) {
        return JWT.create().withSubject(user).withIssuer(ISSUER).withAudience(AUDIENCE).withIssuedAt(NOW)
                .withExpiresAt(NOW.plusSeconds(600));
    }

    public static String hs256(String user) {
        return claims(user).sign(Algorithm.HMAC256(SECRET));
    }

    public static String hs256(String user, UnaryOperator<JWTCreator.Builder> edit) {
        return edit.apply(claims(user)).sign(Algorithm.HMAC256(SECRET));
    }

    public static String rs256(String user, UnaryOperator<JWTCreator.Builder> edit) {
        return edit.apply(claims(user)).sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate()));
    }

    public static String es256(String user, UnaryOperator<JWTCreator.Builder> edit) {
        return edit.apply(claims(user)).sign(Algorithm.ECDSA256(null, (ECPrivateKey) EC.getPrivate()));
    }

    public static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static RSAPublicKey rsaPublic(KeyPair pair) {
        return (RSAPublicKey) pair.getPublic();
    }

    public static ECPublicKey ecPublic(KeyPair pair) {
        return (ECPublicKey) pair.getPublic();
    }

    /** base64url without padding, as JWTs use. */
    public static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code header.payload.signature} with the given JSON header and payload and a raw signature part. */
    public static String raw(String headerJson, String payloadJson, String signature) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
    }

    /** A payload JSON with valid registered claims for {@code user}. */
    public static String validPayload(String user) {
        return "{\"sub\":\"" + user + "\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"iat\":"
                + NOW.getEpochSecond() + ",\"exp\":" + (NOW.getEpochSecond() + 600) + "}";
    }

    /** The token with its payload replaced (signature kept): a tampered token. */
    public static String withPayload(String token, String payloadJson) {
        String[] parts = token.split("\\.", -1);
        return parts[0] + "." + b64(payloadJson) + "." + parts[2];
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generateEc(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
