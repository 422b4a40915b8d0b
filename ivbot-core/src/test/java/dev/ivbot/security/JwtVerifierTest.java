package dev.ivbot.security;

import static dev.ivbot.security.TestTokens.AUDIENCE;
import static dev.ivbot.security.TestTokens.CLOCK;
import static dev.ivbot.security.TestTokens.EC;
import static dev.ivbot.security.TestTokens.ISSUER;
import static dev.ivbot.security.TestTokens.NOW;
import static dev.ivbot.security.TestTokens.RSA;
import static dev.ivbot.security.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.ivbot.security.TokenRejectedException.Reason;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the verifier accepts, and how it is configured. The refusals are in {@code HostileInputTest}. */
class JwtVerifierTest {

    private final JwtVerifier verifier = TestTokens.verifier();

    @Test
    void acceptsEachConfiguredAlgorithmWithOrWithoutTheBearerPrefix() {
        for (String token : List.of(
                TestTokens.hs256("alice"),
                JWT.create().withSubject("alice").withIssuer(ISSUER).withAudience(AUDIENCE)
                        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC384(SECRET)),
                JWT.create().withSubject("alice").withIssuer(ISSUER).withAudience(AUDIENCE)
                        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC512(SECRET)),
                TestTokens.rs256("alice", b -> b),
                TestTokens.es256("alice", b -> b))) {
            assertThat(verifier.verify(token).userId()).isEqualTo("alice");
            assertThat(verifier.verify("Bearer " + token).userId()).isEqualTo("alice");
            assertThat(verifier.verify("bearer  " + token + "\r\n").userId()).isEqualTo("alice");
        }
    }

    @Test
    void exposesTheExpiryAndTheMappedSlotClaims() {
        VerifiedToken token = verifier.verify(TestTokens.hs256("alice", b -> b.withClaim("track", "campus")
                .withClaim("salary", "high")));
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(token.slotAttributes()).isEqualTo(Map.of("track", "campus"));
        assertThat(token.toString()).doesNotContain("campus");
    }

    @Test
    void slotClaimsThatCannotBeSlotValuesAreIgnoredAndUnknownOnesCanBeDropped() {
        assertThat(verifier.verify(TestTokens.hs256("alice", b -> b.withClaim("track", 7))).slotAttributes()).isEmpty();
        assertThat(verifier.verify(TestTokens.hs256("alice", b -> b.withClaim("track", "Campus\r\nX")))
                .slotAttributes()).isEmpty();
        VerifiedToken experienced = verifier.verify(TestTokens.hs256("alice", b -> b.withClaim("track", "experienced")));
        assertThat(experienced.slotAttributes()).isEqualTo(Map.of("track", "experienced"));
        assertThat(experienced.slotAttributesKnownTo(TestKnowledgeBases.tiny())).isEmpty();
        VerifiedToken campus = verifier.verify(TestTokens.hs256("alice", b -> b.withClaim("track", "intern")));
        assertThat(campus.slotAttributesKnownTo(TestKnowledgeBases.tiny())).isEqualTo(Map.of("track", "intern"));
    }

    @Test
    void theLeewayAppliesToExpiryAndNotBefore() {
        assertThat(verifier.verify(TestTokens.hs256("alice", b -> b.withExpiresAt(NOW.minusSeconds(29)))).userId())
                .isEqualTo("alice");
        assertThat(verifier.verify(TestTokens.hs256("alice", b -> b.withNotBefore(NOW.plusSeconds(29)))).userId())
                .isEqualTo("alice");
        JwtVerifier strict = JwtVerifier.builder().hmacSecret(SECRET).clock(CLOCK).leeway(Duration.ZERO).build();
        assertThatThrownBy(() -> strict.verify(TestTokens.hs256("alice", b -> b.withExpiresAt(NOW.minusSeconds(1)))))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void issuerAndAudienceAreCheckedOnlyWhenConfiguredAndTheUserClaimIsConfigurable() {
        JwtVerifier loose = JwtVerifier.builder().hmacSecret(SECRET).clock(CLOCK).userClaim("employee_id").build();
        String token = JWT.create().withClaim("employee_id", "E-1001").withExpiresAt(NOW.plusSeconds(60))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(loose.verify(token).userId()).isEqualTo("E-1001");
        assertThatThrownBy(() -> loose.verify(TestTokens.hs256("alice")))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(Reason.MISSING_USER_CLAIM);
    }

    @Test
    void aCriticalHeaderIsRefusedEvenOnAValidlySignedTokenAndTheMessageQuotesNothingOfIt() {
        // RFC 7515 4.1.11: a recipient that does not understand a listed extension must refuse the JWS
        Map<String, Object> crit = Map.of("crit", List.of("urn:example:must-understand"), "urn:example:must-understand", 1);
        for (String token : List.of(
                TestTokens.hs256("alice", b -> b.withHeader(crit)),
                TestTokens.rs256("alice", b -> b.withHeader(crit)),
                TestTokens.es256("alice", b -> b.withHeader(crit)))) {
            assertThatThrownBy(() -> verifier.verify(token))
                    .isInstanceOf(TokenRejectedException.class)
                    .hasMessageContaining("'crit'")
                    .hasMessageNotContaining("urn:example")
                    .hasNoCause()
                    .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(Reason.UNSUPPORTED_CRITICAL_HEADER);
        }
        // the same token without it passes: only the header parameter makes the difference
        assertThat(verifier.verify(TestTokens.hs256("alice", b -> b.withHeader(Map.of("kid", "k1")))).userId())
                .isEqualTo("alice");
    }

    @Test
    void theBuilderRefusesWeakOrWrongKeysAndNamesTheArgument() throws Exception {
        assertThatThrownBy(() -> JwtVerifier.builder().hmacSecret("short".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("secret").hasMessageContaining("32");
        assertThatThrownBy(() -> JwtVerifier.builder().rsaPublicKeyPem("not a pem")).hasMessageContaining("pem");
        assertThatThrownBy(() -> JwtVerifier.builder().rsaPublicKeyPem(TestTokens.pem(EC)))
                .hasMessageContaining("not a valid RSA public key");
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        assertThatThrownBy(() -> JwtVerifier.builder().rsaPublicKeyPem(TestTokens.pem(small.generateKeyPair())))
                .hasMessageContaining("1024-bit");
        KeyPairGenerator k1 = KeyPairGenerator.getInstance("EC");
        k1.initialize(new ECGenParameterSpec("secp384r1"));
        assertThatThrownBy(() -> JwtVerifier.builder().ecPublicKeyPem(TestTokens.pem(k1.generateKeyPair())))
                .hasMessageContaining("P-256");
        assertThatThrownBy(() -> JwtVerifier.builder().ecPublicKeyPem(TestTokens.pem(RSA)))
                .hasMessageContaining("not a valid EC public key");
        assertThatThrownBy(() -> JwtVerifier.builder().leeway(Duration.ofHours(1))).hasMessageContaining("leeway");
        assertThatThrownBy(() -> JwtVerifier.builder().issuer(" ")).hasMessageContaining("issuer");
        assertThatThrownBy(() -> JwtVerifier.builder().claimToSlot("track", "Track!")).hasMessageContaining("slot");
        assertThatThrownBy(() -> JwtVerifier.builder().build()).hasMessageContaining("no key");
    }

    @Test
    void theBuilderIsReusableAndCopiesTheSecret() {
        byte[] secret = SECRET.clone();
        JwtVerifier.Builder builder = JwtVerifier.builder().hmacSecret(secret).clock(CLOCK);
        JwtVerifier first = builder.build();
        secret[0] ^= 1;
        JwtVerifier second = builder.build();
        assertThat(first.verify(TestTokens.hs256("alice")).userId()).isEqualTo("alice");
        assertThat(second.verify(TestTokens.hs256("alice")).userId()).isEqualTo("alice");
    }

    @Test
    void isThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String user = "user-" + i;
                String token = i % 3 == 0 ? TestTokens.hs256(user) : i % 3 == 1
                        ? TestTokens.rs256(user, b -> b) : TestTokens.es256(user, b -> b);
                results.add(pool.submit(() -> verifier.verify(token).userId()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("user-" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
