package dev.ivbot.spring;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * RS256 tokens as a portal's identity provider signs them, and the public key file that Spring Security's
 * resource server is configured with ({@code spring.security.oauth2.resourceserver.jwt.public-key-location}):
 * for the Spring Boot examples' HTTP tests. Stateless, thread-safe.
 */
public final class PortalJwts {
    private PortalJwts() {}

    public static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half of {@code keys} in a PEM file of its own (a temporary file). */
    public static Path publicKeyPem(KeyPair keys) throws IOException {
        Path pem = Files.createTempFile("portal-jwt", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        return pem;
    }

    /** A token for {@code user} (its subject), valid for ten minutes, with the given string claims. */
    public static String token(KeyPair keys, String user, Map<String, String> claims) {
        JWTCreator.Builder jwt = JWT.create().withSubject(user).withIssuedAt(Instant.now())
                .withExpiresAt(Instant.now().plusSeconds(600));
        claims.forEach(jwt::withClaim);
        return jwt.sign(Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate()));
    }
}
