package dev.ivbot.hostile;

import static dev.ivbot.security.TestTokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.InvalidInputException;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.security.JwtVerifier;
import dev.ivbot.security.TestTokens;
import dev.ivbot.security.TokenRejectedException;
import dev.ivbot.security.TokenRejectedException.Reason;
import dev.ivbot.security.VerifiedToken;
import dev.ivbot.spi.SessionState;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile inputs across the three ways in: the engine API (ids, text, attributes, another user's
 * session id, which reaches only the caller's own session), the JWT verifier (one case per refusal reason, and more) and the KB loader (bombs,
 * deep nesting, unknown slots). Each must fail with its documented exception and a message that
 * says what is wrong, and leave the session store, the KB in force and the metrics of answered
 * turns exactly as they were.
 *
 * <p>{@code InputValidationTest} covers the engine's basic refusals one field at a time; this
 * table adds the variants an attacker would try and checks the whole store before and after.
 */
class HostileInputTest {

    /** The session that alice opened before each attack. */
    static final String ALICE_SESSION = "s1";
    /** Where the store keeps it. */
    static final String ALICE_STORE_ID = DialogEngine.storeSessionId("alice", ALICE_SESSION);

    /** What a test can attack. */
    static final class Target {
        final RecordingSessionStore store = new RecordingSessionStore();
        final DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).sessionStore(store).build();
        final JwtVerifier verifier = TestTokens.verifier();
        final JwtVerifier rsaOnly = JwtVerifier.builder().rsaPublicKeyPem(TestTokens.pem(TestTokens.RSA))
                .clock(TestTokens.CLOCK).build();

        void chat(String userId, String sessionId, String text) {
            engine.chat(ChatRequest.of(userId, sessionId, text));
        }

        /** What a host's servlet filter and handler do with a bearer token. */
        void chatWithToken(@Nullable String authorization, String sessionId, String text) {
            chatWithToken(verifier, authorization, sessionId, text);
        }

        void chatWithToken(JwtVerifier v, @Nullable String authorization, String sessionId, String text) {
            VerifiedToken token = v.verify(authorization);
            engine.chat(ChatRequest.of(token.userId(), sessionId, text).withAttributes(token.slotAttributes()));
        }

        void reload(String file, String yaml) {
            engine.reloadKnowledgeBase(KnowledgeBase.fromYaml(file, yaml));
        }
    }

    @FunctionalInterface
    interface Attack {
        void run(Target target) throws Exception;
    }

    /**
     * One row: the attack, the exception it must raise, a fragment of its message, and the field
     * ({@link InvalidInputException}) or reason ({@link TokenRejectedException}) where there is one.
     */
    record Case(Attack attack, Class<? extends Exception> type, String message, @Nullable Object detail) {}

    private Target target;

    @BeforeEach
    void aliceHasASession() {
        target = new Target();
        target.chat("alice", ALICE_SESSION, "年假有几天");
        target.chat("alice", ALICE_SESSION, "那病假呢");
    }

    @AfterEach
    void close() {
        target.engine.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    @Timeout(10)
    void isRefusedClearlyAndChangesNothing(String name, Case c) {
        RecordingSessionStore.Snapshot before = target.store.snapshot();
        KnowledgeBase kbBefore = target.engine.knowledgeBase();
        long repliesBefore = target.engine.metrics().turns();

        Throwable thrown = catchThrowable(() -> c.attack().run(target));

        assertThat(thrown).as(name).isInstanceOf(c.type()).hasMessageContaining(c.message());
        if (thrown instanceof InvalidInputException) {
            assertThat(((InvalidInputException) thrown).field()).isEqualTo(c.detail());
        }
        if (thrown instanceof TokenRejectedException) {
            assertThat(((TokenRejectedException) thrown).reason()).isEqualTo(c.detail());
            assertThat(thrown.getCause()).isNull();
        }
        assertThat(thrown.getMessage()).doesNotContain("eyJ").doesNotContain("mallory").doesNotContain("\r")
                .doesNotContain("\u0000").doesNotContain("\u202E");
        assertThat(target.store.snapshot()).isEqualTo(before);
        assertThat(target.store.snapshot().sessions()).containsKey(ALICE_STORE_ID);
        assertThat(target.engine.knowledgeBase()).isSameAs(kbBefore);
        assertThat(target.engine.metrics().turns()).isEqualTo(repliesBefore);
    }

    static Stream<Arguments> hostileInputs() {
        Map<String, Case> t = new LinkedHashMap<>();
        engineApi(t);
        tokens(t);
        knowledgeBases(t);
        return t.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    // ------------------------------------------------------------------ engine API

    private static void engineApi(Map<String, Case> t) {
        Class<InvalidInputException> invalid = InvalidInputException.class;
        t.put("text: only NUL and control characters",
                new Case(x -> x.chat("alice", "s1", "\u0000\u0001\u001b\u007f"), invalid, "blank", "text"));
        t.put("text: ideographic and no-break spaces",
                new Case(x -> x.chat("alice", "s1", "\u3000\u00a0\u2003"), invalid, "no visible characters", "text"));
        t.put("text: 1 MB", new Case(x -> x.chat("alice", "s1", "a".repeat(1 << 20)), invalid,
                "more than the limit of 500", "text"));
        t.put("text: high surrogate at the end",
                new Case(x -> x.chat("alice", "s1", "年假\uD83D"), invalid, "unpaired surrogate at index 2", "text"));
        t.put("text: surrogates in the wrong order",
                new Case(x -> x.chat("alice", "s1", "\uDE00\uD83D"), invalid, "unpaired surrogate at index 0", "text"));
        t.put("text: only bidi isolates and overrides",
                new Case(x -> x.chat("alice", "s1", "\u2066\u2067\u2068\u2069\u202A\u202E"), invalid, "blank", "text"));
        t.put("userId: *", new Case(x -> x.chat("*", "s1", "年假"), invalid, "may hold only", "userId"));
        t.put("userId: {alice}", new Case(x -> x.chat("{alice}", "s1", "年假"), invalid, "may hold only", "userId"));
        t.put("userId: CR LF log injection", new Case(x -> x.chat("alice\r\nINFO admin logged in", "s1", "年假"),
                invalid, "\\u000d\\u000a", "userId"));
        t.put("userId: space", new Case(x -> x.chat("alice bob", "s1", "年假"), invalid, "may hold only", "userId"));
        t.put("userId: NUL", new Case(x -> x.chat("alice\u0000", "s1", "年假"), invalid, "\\u0000", "userId"));
        t.put("userId: right-to-left override", new Case(x -> x.chat("alice\u202Eevil", "s1", "年假"), invalid,
                "\\u202e", "userId"));
        t.put("sessionId: Redis hash tag", new Case(x -> x.chat("alice", "ivbot:{s1}", "年假"), invalid,
                "may hold only", "sessionId"));
        t.put("sessionId: glob", new Case(x -> x.chat("alice", "s[1]*", "年假"), invalid, "may hold only", "sessionId"));
        t.put("sessionId: trailing space on endSession", new Case(x -> x.engine.endSession("alice", "s1 "), invalid,
                "may hold only", "sessionId"));
        t.put("sessionId: CR LF on touch", new Case(x -> x.engine.touch("alice", "s1\r\nFLUSHALL"), invalid,
                "may hold only", "sessionId"));
        t.put("attributes: slot name with CR LF", new Case(x -> x.engine.chat(ChatRequest.of("alice", "s1", "年假")
                .withAttributes(Map.of("track\r\n", "campus"))), invalid, "unknown slot", "attributes"));
        t.put("choice: *", new Case(x -> x.engine.chat(ChatRequest.of("alice", "s1", "年假").withChoice("*")), invalid,
                "unknown intent", "choice"));
    }

    // ------------------------------------------------------------------ another user's session id

    /**
     * Mallory sends alice's session id. Sessions are stored per user, so this is not refused: it
     * reaches mallory's own session (none yet), which is the point (no lockout, nothing to probe).
     */
    static Stream<Arguments> anotherUsersAttempts() {
        Map<String, Attack> t = new LinkedHashMap<>();
        t.put("chat", x -> assertThat(x.engine.chat(ChatRequest.of("mallory", ALICE_SESSION, "那病假呢")).turn())
                .as("mallory's first turn, not alice's third").isEqualTo(1));
        t.put("touch", x -> assertThat(x.engine.touch("mallory", ALICE_SESSION)).isFalse());
        t.put("end", x -> assertThat(x.engine.endSession("mallory", ALICE_SESSION)).isFalse());
        t.put("read", x -> assertThat(x.engine.session("mallory", ALICE_SESSION)).isEmpty());
        t.put("with mallory's valid token", x -> x.chatWithToken(TestTokens.hs256("mallory"), ALICE_SESSION, "那病假呢"));
        t.put("chat, heartbeat, end, read, chat", x -> {
            x.chat("mallory", ALICE_SESSION, "面试几轮");
            assertThat(x.engine.touch("mallory", ALICE_SESSION)).isTrue();
            assertThat(x.engine.endSession("mallory", ALICE_SESSION)).isTrue();
            assertThat(x.engine.session("mallory", ALICE_SESSION)).isEmpty();
            x.chat("mallory", ALICE_SESSION, "那病假呢");
        });
        return t.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "another user's session id: {0}")
    @MethodSource("anotherUsersAttempts")
    @Timeout(10)
    void anotherUsersAttemptOnAlicesIdReachesOnlyTheirOwnSession(String name, Attack attack) throws Exception {
        Optional<SessionState> alicesBefore = target.store.snapshot().sessions().get(ALICE_STORE_ID);
        long refusedBefore = target.engine.metrics().refused();

        attack.run(target);

        assertThat(target.store.snapshot().sessions().get(ALICE_STORE_ID)).as(name).isEqualTo(alicesBefore);
        assertThat(target.engine.session("alice", ALICE_SESSION).orElseThrow().turns()).isEqualTo(2);
        assertThat(target.engine.metrics().refused()).as("nothing refused: nothing to tell ids apart by")
                .isEqualTo(refusedBefore);
        target.engine.session("mallory", ALICE_SESSION).ifPresent(own -> {
            assertThat(own.userId()).isEqualTo("mallory");
            assertThat(own.recentTurns()).extracting(SessionState.TurnRecord::text).doesNotContain("年假有几天");
        });
    }

    // ------------------------------------------------------------------ tokens

    private static void tokens(Map<String, Case> t) {
        Class<TokenRejectedException> rejected = TokenRejectedException.class;
        String alice = TestTokens.hs256("alice");
        t.put("token: no header", new Case(x -> x.chatWithToken(null, "s1", "年假"), rejected, "no bearer token",
                Reason.MISSING));
        t.put("token: bare Bearer", new Case(x -> x.chatWithToken("Bearer   ", "s1", "年假"), rejected,
                "no bearer token", Reason.MISSING));
        t.put("token: 10 k characters", new Case(x -> x.chatWithToken("Bearer " + alice + "A".repeat(10_000), "s1",
                "年假"), rejected, "longer than 8192", Reason.TOO_LONG));
        t.put("token: two parts", new Case(x -> x.chatWithToken("Bearer abc.def", "s1", "年假"), rejected,
                "compact JWS", Reason.MALFORMED));
        t.put("token: CR LF inside", new Case(x -> x.chatWithToken(alice.replace(".", ".\r\n"), "s1", "年假"), rejected,
                "compact JWS", Reason.MALFORMED));
        t.put("token: header is not JSON", new Case(x -> x.chatWithToken(TestTokens.b64("{alg") + "."
                + TestTokens.b64(TestTokens.validPayload("mallory")) + ".c2ln", "s1", "年假"), rejected,
                "not valid base64url JSON", Reason.MALFORMED));
        t.put("token: alg none, unsigned", new Case(x -> x.chatWithToken(TestTokens.raw("{\"alg\":\"none\"}",
                TestTokens.validPayload("mallory"), ""), "s1", "年假"), rejected, "alg none", Reason.ALG_NONE));
        t.put("token: alg NoNe with a signature", new Case(x -> x.chatWithToken(TestTokens.raw(
                "{\"alg\":\"NoNe\",\"typ\":\"JWT\"}", TestTokens.validPayload("mallory"), "c2ln"), "s1", "年假"),
                rejected, "alg none", Reason.ALG_NONE));
        t.put("token: RS512, no key for it", new Case(x -> x.chatWithToken(TestTokens.claims("mallory")
                .sign(Algorithm.RSA512(null, (java.security.interfaces.RSAPrivateKey) TestTokens.RSA.getPrivate())),
                "s1", "年假"), rejected, "no key is configured", Reason.UNSUPPORTED_ALGORITHM));
        t.put("token: HS256 signed with the RSA public key (algorithm confusion)", new Case(x -> x.chatWithToken(
                x.rsaOnly, TestTokens.claims("mallory").sign(Algorithm.HMAC256(TestTokens.pem(TestTokens.RSA)
                        .getBytes(StandardCharsets.US_ASCII))), "s1", "年假"), rejected, "accepted: [RS256]",
                Reason.UNSUPPORTED_ALGORITHM));
        t.put("token: crit names an extension the verifier does not know", new Case(x -> x.chatWithToken(
                TestTokens.hs256("mallory", b -> b.withHeader(Map.of("crit", List.of("exp-by-mallory"),
                        "exp-by-mallory", true))), "s1", "年假"), rejected, "'crit'", Reason.UNSUPPORTED_CRITICAL_HEADER));
        t.put("token: crit, unsigned with alg none", new Case(x -> x.chatWithToken(TestTokens.raw(
                "{\"alg\":\"none\",\"crit\":[\"b64\"],\"b64\":false}", TestTokens.validPayload("mallory"), ""), "s1",
                "年假"), rejected, "alg none", Reason.ALG_NONE));
        t.put("token: crit is an empty list", new Case(x -> x.chatWithToken(TestTokens.hs256("mallory",
                b -> b.withHeader(Map.of("crit", List.of()))), "s1", "年假"), rejected, "'crit'",
                Reason.UNSUPPORTED_CRITICAL_HEADER));
        t.put("token: crit is not a list", new Case(x -> x.chatWithToken(TestTokens.hs256("mallory",
                b -> b.withHeader(Map.of("crit", "exp"))), "s1", "年假"), rejected, "'crit'",
                Reason.UNSUPPORTED_CRITICAL_HEADER));
        t.put("token: wrong HMAC secret", new Case(x -> x.chatWithToken(TestTokens.claims("mallory")
                .sign(Algorithm.HMAC256(TestTokens.OTHER_SECRET)), "s1", "年假"), rejected, "signature",
                Reason.BAD_SIGNATURE));
        t.put("token: wrong RSA key", new Case(x -> x.chatWithToken(TestTokens.claims("mallory").sign(Algorithm.RSA256(
                null, (java.security.interfaces.RSAPrivateKey) TestTokens.OTHER_RSA.getPrivate())), "s1", "年假"),
                rejected, "signature", Reason.BAD_SIGNATURE));
        t.put("token: wrong EC key", new Case(x -> x.chatWithToken(TestTokens.claims("mallory").sign(Algorithm.ECDSA256(
                null, (java.security.interfaces.ECPrivateKey) TestTokens.OTHER_EC.getPrivate())), "s1", "年假"),
                rejected, "signature", Reason.BAD_SIGNATURE));
        t.put("token: ES256 with an all-zero signature", new Case(x -> x.chatWithToken(TestTokens.raw(
                "{\"alg\":\"ES256\"}", TestTokens.validPayload("mallory"),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64])), "s1", "年假"),
                rejected, "signature", Reason.BAD_SIGNATURE));
        t.put("token: tampered payload (sub changed)", new Case(x -> x.chatWithToken(TestTokens.withPayload(alice,
                TestTokens.validPayload("mallory")), "s1", "年假"), rejected, "signature", Reason.BAD_SIGNATURE));
        t.put("token: tampered payload of an RS256 token", new Case(x -> x.chatWithToken(TestTokens.withPayload(
                TestTokens.rs256("alice", b -> b), TestTokens.validPayload("mallory")), "s1", "年假"), rejected,
                "signature", Reason.BAD_SIGNATURE));
        t.put("token: expired beyond the leeway", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withExpiresAt(NOW.minusSeconds(31))), "s1", "年假"), rejected, "expired", Reason.EXPIRED));
        t.put("token: not before, beyond the leeway", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withNotBefore(NOW.plusSeconds(31))), "s1", "年假"), rejected, "'nbf'", Reason.NOT_YET_VALID));
        t.put("token: issued in the future", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withIssuedAt(NOW.plus(Duration.ofHours(1)))), "s1", "年假"), rejected, "'iat'",
                Reason.NOT_YET_VALID));
        t.put("token: no exp", new Case(x -> x.chatWithToken(JWT.create().withSubject("alice")
                .withIssuer(TestTokens.ISSUER).withAudience(TestTokens.AUDIENCE).sign(Algorithm.HMAC256(TestTokens.SECRET)),
                "s1", "年假"), rejected, "no 'exp'", Reason.MISSING_EXPIRY));
        t.put("token: wrong issuer", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withIssuer("https://evil.example.com")), "s1", "年假"), rejected, "'iss'", Reason.WRONG_ISSUER));
        t.put("token: no issuer", new Case(x -> x.chatWithToken(TestTokens.hs256("alice", b -> b.withIssuer(null)),
                "s1", "年假"), rejected, "'iss'", Reason.WRONG_ISSUER));
        t.put("token: wrong audience", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withAudience("payroll")), "s1", "年假"), rejected, "'aud'", Reason.WRONG_AUDIENCE));
        t.put("token: no user claim", new Case(x -> x.chatWithToken(TestTokens.hs256("alice", b -> b.withSubject(null)),
                "s1", "年假"), rejected, "'sub' is missing", Reason.MISSING_USER_CLAIM));
        t.put("token: user claim with CR LF", new Case(x -> x.chatWithToken(TestTokens.hs256("alice\r\nadmin"), "s1",
                "年假"), rejected, "not a valid user id", Reason.BAD_USER_CLAIM));
        t.put("token: user claim *", new Case(x -> x.chatWithToken(TestTokens.hs256("*"), "s1", "年假"), rejected,
                "not a valid user id", Reason.BAD_USER_CLAIM));
        t.put("token: user claim is a number", new Case(x -> x.chatWithToken(TestTokens.hs256("alice",
                b -> b.withClaim("sub", 42)), "s1", "年假"), rejected, "not a text", Reason.BAD_USER_CLAIM));
        t.put("token: valid, but its track is unknown to the KB", new Case(x -> x.chatWithToken(TestTokens.hs256(
                "alice", b -> b.withClaim("track", "experienced")), "s1", "年假"), InvalidInputException.class,
                "unknown value 'experienced' of slot 'track'", "attributes"));
    }

    // ------------------------------------------------------------------ knowledge bases

    private static void knowledgeBases(Map<String, Case> t) {
        Class<KnowledgeBaseException> broken = KnowledgeBaseException.class;
        String goodIntent = """
                intents:
                  - id: leave_policy
                    slots: [leave_type]
                    examples: {zh: [年假几天]}
                    answers:
                      - zh: 默认
                        en: default
                """;
        StringBuilder laughs = new StringBuilder("slots:\n  a: &a {x: [lol, lol, lol, lol, lol, lol, lol, lol]}\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            laughs.append("  ").append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p)
                    .append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        laughs.append(goodIntent);
        t.put("KB: billion laughs", new Case(x -> x.reload("laughs.yaml", laughs.toString()), broken,
                "laughs.yaml:3:10: aliases (*a) are not supported", null));
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            deep.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        deep.append("  ".repeat(40)).append("v\n");
        t.put("KB: 40 levels of block mappings", new Case(x -> x.reload("deep.yaml", deep.toString()), broken,
                "deep.yaml:", null));
        t.put("KB: 100 000 nested flow lists", new Case(x -> x.reload("flow.yaml", "intents: " + "[".repeat(100_000)),
                broken, "flow.yaml", null));
        String huge = "x".repeat(1_500_000);
        t.put("KB: huge anchor referenced many times", new Case(x -> x.reload("anchor.yaml",
                "name: &big " + huge + "\nmessages: {fallback: {zh: *big, en: *big}, busy: {zh: *big, en: *big}}\n"
                        + goodIntent.replace("slots: [leave_type]", "slots: []")), broken, "anchor.yaml:2:27: aliases (*big) are not supported",
                null));
        t.put("KB: a document over 2 MB", new Case(x -> x.reload("big.yaml", "name: " + "x".repeat(2_200_000) + "\n"
                + goodIntent), broken, "longer than the limit of 2097152", null));
        t.put("KB: more documents than the file limit", new Case(x -> {
            Map<String, String> docs = new LinkedHashMap<>();
            for (int i = 0; i < 201; i++) {
                docs.put("f" + i + ".yaml", i == 0 ? TestKnowledgeBases.TINY_YAML : "");
            }
            x.engine.reloadKnowledgeBase(KnowledgeBase.fromYaml(docs));
        }, broken, "more than the limit of 200", null));
        t.put("KB: Java type tags instantiate nothing", new Case(x -> x.reload("tags.yaml",
                "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]\n"
                        + goodIntent), broken, "tags.yaml:1:", null));
        t.put("KB: NUL byte", new Case(x -> x.reload("nul.yaml", "name: a\u0000b\n" + goodIntent), broken,
                "nul.yaml", null));
        t.put("KB: intent names an unknown slot", new Case(x -> x.reload("kb.yaml", goodIntent), broken,
                "kb.yaml:3:", null));
        t.put("KB: answer for an unknown slot value", new Case(x -> x.reload("kb.yaml",
                TestKnowledgeBases.TINY_YAML.replace("when: {leave_type: sick}", "when: {leave_type: maternity}")),
                broken, "unknown value 'maternity' of slot 'leave_type'", null));
        t.put("KB: intent id that is a path", new Case(x -> x.reload("kb.yaml",
                TestKnowledgeBases.TINY_YAML.replace("id: salary", "id: ../../etc/passwd")), broken, "must match",
                null));
        t.put("KB: filler for an unknown language", new Case(x -> x.reload("kb.yaml",
                TestKnowledgeBases.TINY_YAML.replace("en: [and, what, about]", "fr: [alors]")), broken,
                "unknown key 'fr'", null));
    }

    @Test
    void theTableHasAtLeastThirtyRowsAndEveryTokenReason() {
        assertThat(hostileInputs().count()).isGreaterThanOrEqualTo(30);
        assertThat(hostileInputs().map(a -> ((Case) a.get()[1]).detail())).contains((Object[]) Reason.values());
    }

    @Test
    void controlAndBidiCharactersInsideATextAreReplacedBeforeAnythingIsStored() {
        target.chat("alice", "s2", "年假\u0000有\u202E几天\u2066");
        String stored = target.engine.session("alice", "s2").orElseThrow().recentTurns().get(0).text();
        assertThat(stored).isEqualTo("年假 有 几天");
    }
}
