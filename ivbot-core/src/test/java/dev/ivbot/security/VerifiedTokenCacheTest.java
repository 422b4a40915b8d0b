package dev.ivbot.security;

import static dev.ivbot.security.TestTokens.AUDIENCE;
import static dev.ivbot.security.TestTokens.ISSUER;
import static dev.ivbot.security.TestTokens.NOW;
import static dev.ivbot.security.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.security.TokenRejectedException.Reason;
import dev.ivbot.testkit.MutableClock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A token accepted once is answered from the verifier's cache afterwards: what it says is the same,
 * its expiry is checked again against the clock as java-jwt would, and nothing else gets in by it.
 */
class VerifiedTokenCacheTest {

    private final MutableClock clock = new MutableClock(NOW);

    private JwtVerifier verifier(int cacheSize) {
        return JwtVerifier.builder().hmacSecret(SECRET).issuer(ISSUER).audience(AUDIENCE).clock(clock.withZone(ZoneOffset.UTC))
                .leeway(Duration.ofSeconds(30)).claimToSlot("track", "track").verifiedTokenCacheSize(cacheSize).build();
    }

    @Test
    void theSameTokenAgainSaysTheSameAndExpiresExactlyWhenAFullCheckWould() {
        String token = TestTokens.hs256("alice", b -> b.withClaim("track", "campus")); // exp = NOW + 600 s
        for (int size : new int[] {JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, 0}) {
            clock.set(NOW);
            JwtVerifier verifier = verifier(size);
            VerifiedToken first = verifier.verify("Bearer " + token);
            assertThat(verifier.verify(token)).as("cache size %d", size).isEqualTo(first);
            assertThat(first.userId()).isEqualTo("alice");
            assertThat(first.slotAttributes()).containsEntry("track", "campus");

            clock.set(NOW.plusSeconds(600 + 29));
            assertThat(verifier.verify(token).userId()).as("inside the leeway, cache size %d", size).isEqualTo("alice");
            clock.set(NOW.plusSeconds(600 + 30));
            assertThatThrownBy(() -> verifier.verify(token)).as("cache size %d", size)
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
            assertThatThrownBy(() -> verifier.verify(token)).as("and stays expired")
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
        }
    }

    @Test
    void aTokenThatDiffersInAnyCharacterFromOneAcceptedIsCheckedInFull() {
        JwtVerifier verifier = verifier(100);
        String token = TestTokens.hs256("alice");
        verifier.verify(token);
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertThatThrownBy(() -> verifier.verify(tampered))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        String otherKey = TestTokens.claims("alice").sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestTokens.OTHER_SECRET));
        assertThatThrownBy(() -> verifier.verify(otherKey))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        assertThat(verifier.verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void aClockSetBackBeforeTheFirstCheckChecksTheTokenInFullAgain() {
        JwtVerifier verifier = verifier(100);
        String token = TestTokens.hs256("alice", b -> b.withNotBefore(NOW));
        verifier.verify(token);
        clock.set(NOW.minusSeconds(31)); // before nbf, beyond the leeway: a full check refuses it
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_YET_VALID));
    }

    @Test
    void aNegativeCacheSizeIsRefusedByName() {
        assertThatThrownBy(() -> JwtVerifier.builder().verifiedTokenCacheSize(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verifiedTokenCacheSize");
    }
}
