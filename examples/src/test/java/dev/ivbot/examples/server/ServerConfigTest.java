package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.ivbot.redis.RedisSessionStoreOptions;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    private static ServerConfig from(Map<String, String> env) {
        return ServerConfig.fromEnvironment(env, new Properties());
    }

    @Test
    void embeddedDefaultsServeTheDemoOnLocalhostWithTheDevLogin() {
        ServerConfig c = from(Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.knowledgeBase()).isEmpty();
        assertThat(c.redisUri()).isEmpty();
        assertThat(c.modelMode()).isEqualTo(ServerConfig.ModelMode.AUTO);
        assertThat(c.deadline()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.hmacSecretGenerated()).isTrue();
        assertThat(c.hmacSecret()).hasSize(32);
        assertThat(c.devLogin()).as("no JWT key configured: the dev login is the only way in").isTrue();
        assertThat(c.bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.minBodyRate()).isEqualTo(256);
    }

    @Test
    void theRedisStoreSettingsDefaultToTheStoresOwnDefaults() {
        ServerConfig c = from(Map.of());
        RedisSessionStoreOptions store = RedisSessionStoreOptions.create();
        assertThat(c.redisFailoverBuffer()).isEqualTo(store.failoverBuffer()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.redisCommandTimeout()).isEqualTo(store.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.redisReplicaAcks()).isEqualTo(store.replicaAcks()).isEqualTo(RedisSessionStoreOptions.AUTO_REPLICA_ACKS);
        assertThat(c.redisInDoubtLimit()).isEqualTo(store.inDoubtLimit()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsTheRedisStoreSettings() {
        ServerConfig c = from(Map.of(
                "IVBOT_REDIS_URI", "redis://127.0.0.1:6379",
                "IVBOT_REDIS_FAILOVER_BUFFER_MS", "8000",
                "IVBOT_REDIS_COMMAND_TIMEOUT_MS", "500",
                "IVBOT_REDIS_REPLICA_ACKS", "2",
                "IVBOT_REDIS_IN_DOUBT_LIMIT_MS", "45000"));
        assertThat(c.redisFailoverBuffer()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.redisCommandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.redisReplicaAcks()).isEqualTo(2);
        assertThat(c.redisInDoubtLimit()).isEqualTo(Duration.ofSeconds(45));
        ServerConfig copy = c.mutate().build();
        assertThat(copy.redisFailoverBuffer()).isEqualTo(Duration.ofSeconds(8));
        assertThat(copy.redisCommandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(copy.redisReplicaAcks()).isEqualTo(2);
        assertThat(copy.redisInDoubtLimit()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.toString()).contains("buffer=8000ms", "commandTimeout=500ms", "replicaAcks=2", "inDoubtLimit=45000ms");

        assertThat(from(Map.of("IVBOT_REDIS_REPLICA_ACKS", "AUTO")).redisReplicaAcks())
                .isEqualTo(RedisSessionStoreOptions.AUTO_REPLICA_ACKS);
        assertThat(from(Map.of("IVBOT_REDIS_REPLICA_ACKS", "0")).redisReplicaAcks()).isZero();
        assertThat(from(Map.of("IVBOT_REDIS_FAILOVER_BUFFER_MS", "0")).redisFailoverBuffer())
                .as("0: busy at once, as the store allows").isZero();

        Properties p = new Properties();
        p.setProperty("ivbot.redis.failover.buffer.ms", "3000");
        p.setProperty("ivbot.redis.replica.acks", "auto");
        ServerConfig overridden = ServerConfig.fromEnvironment(Map.of("IVBOT_REDIS_FAILOVER_BUFFER_MS", "8000",
                "IVBOT_REDIS_REPLICA_ACKS", "1"), p);
        assertThat(overridden.redisFailoverBuffer()).isEqualTo(Duration.ofSeconds(3));
        assertThat(overridden.redisReplicaAcks()).isEqualTo(RedisSessionStoreOptions.AUTO_REPLICA_ACKS);
    }

    @Test
    void badRedisStoreSettingsNameTheirVariable() {
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_FAILOVER_BUFFER_MS", "-1")))
                .hasMessageContaining("IVBOT_REDIS_FAILOVER_BUFFER_MS").hasMessageContaining("-1");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_FAILOVER_BUFFER_MS", "5s")))
                .hasMessageContaining("IVBOT_REDIS_FAILOVER_BUFFER_MS").hasMessageContaining("'5s'");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_FAILOVER_BUFFER_MS", "300001")))
                .hasMessageContaining("IVBOT_REDIS_FAILOVER_BUFFER_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_COMMAND_TIMEOUT_MS", "0")))
                .hasMessageContaining("IVBOT_REDIS_COMMAND_TIMEOUT_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_COMMAND_TIMEOUT_MS", "two")))
                .hasMessageContaining("IVBOT_REDIS_COMMAND_TIMEOUT_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_REPLICA_ACKS", "all")))
                .hasMessageContaining("IVBOT_REDIS_REPLICA_ACKS").hasMessageContaining("'all'");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_REPLICA_ACKS", "-2")))
                .hasMessageContaining("IVBOT_REDIS_REPLICA_ACKS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_REPLICA_ACKS", "65")))
                .hasMessageContaining("IVBOT_REDIS_REPLICA_ACKS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_IN_DOUBT_LIMIT_MS", "0")))
                .hasMessageContaining("IVBOT_REDIS_IN_DOUBT_LIMIT_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_IN_DOUBT_LIMIT_MS", "600001")))
                .hasMessageContaining("IVBOT_REDIS_IN_DOUBT_LIMIT_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_MAX_SESSIONS_PER_USER", "0")))
                .hasMessageContaining("IVBOT_MAX_SESSIONS_PER_USER").hasMessageContaining("0");
    }

    @Test
    void aCanaryShareTurnsTheRolloutPolicyOnWithTheDefaultsForWhatIsNotSet() {
        assertThat(from(Map.of()).canary()).isEmpty();
        assertThat(from(Map.of("IVBOT_CANARY_SHARE", "0.2")).canary()).contains(dev.ivbot.onnx.CanaryPolicy.defaults()
                .withShare(0.2));
        assertThat(from(Map.of("IVBOT_CANARY_SHARE", "0.2", "IVBOT_CANARY_MIN_TURNS", "50",
                "IVBOT_CANARY_TOLERANCE", "0.02", "IVBOT_CANARY_ROLLBACK_THRESHOLD", "0.1")).canary())
                .contains(new dev.ivbot.onnx.CanaryPolicy(0.2, 50, 0.02, 0.1));
    }

    @Test
    void badCanarySettingsNameTheirVariable() {
        assertThatThrownBy(() -> from(Map.of("IVBOT_CANARY_SHARE", "ten percent")))
                .hasMessageContaining("IVBOT_CANARY_SHARE").hasMessageContaining("ten percent");
        assertThatThrownBy(() -> from(Map.of("IVBOT_CANARY_SHARE", "1.5")))
                .hasMessageContaining("IVBOT_CANARY_SHARE").hasMessageContaining("1.5");
        assertThatThrownBy(() -> from(Map.of("IVBOT_CANARY_MIN_TURNS", "50")))
                .hasMessageContaining("IVBOT_CANARY_MIN_TURNS needs IVBOT_CANARY_SHARE");
        assertThatThrownBy(() -> from(Map.of("IVBOT_CANARY_SHARE", "0.1", "IVBOT_CANARY_MIN_TURNS", "0")))
                .hasMessageContaining("IVBOT_CANARY_MIN_TURNS").hasMessageContaining("was 0");
    }

    @Test
    void readsEveryVariable() {
        ServerConfig c = from(Map.ofEntries(
                Map.entry("IVBOT_HOST", "0.0.0.0"),
                Map.entry("IVBOT_PORT", "9090"),
                Map.entry("IVBOT_KB", "/srv/kb"),
                Map.entry("IVBOT_REDIS_URI", "redis-sentinel://s1:26379,s2:26379/0#mymaster"),
                Map.entry("IVBOT_MODEL_REPO", "/srv/models"),
                Map.entry("IVBOT_JWT_HMAC_SECRET", "0123456789abcdef0123456789abcdef"),
                Map.entry("IVBOT_JWT_ISSUER", "https://portal.example.com"),
                Map.entry("IVBOT_JWT_AUDIENCE", "ivbot"),
                Map.entry("IVBOT_DEADLINE_MS", "150"),
                Map.entry("IVBOT_SESSION_TTL_S", "900"),
                Map.entry("IVBOT_BODY_TIMEOUT_MS", "5000"),
                Map.entry("IVBOT_MIN_BODY_RATE", "0")));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.knowledgeBase()).contains(Path.of("/srv/kb"));
        assertThat(c.redisUri()).contains("redis-sentinel://s1:26379,s2:26379/0#mymaster");
        assertThat(c.modelMode()).isEqualTo(ServerConfig.ModelMode.REPOSITORY);
        assertThat(c.modelRepository()).contains(Path.of("/srv/models"));
        assertThat(c.hmacSecretGenerated()).isFalse();
        assertThat(c.issuer()).contains("https://portal.example.com");
        assertThat(c.audience()).contains("ivbot");
        assertThat(c.deadline()).isEqualTo(Duration.ofMillis(150));
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(900));
        assertThat(c.bodyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.minBodyRate()).isZero();
        assertThat(c.mutate().build().bodyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.devLogin()).as("a real key is configured: the dev login is off unless asked for").isFalse();
        assertThat(c.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void aSystemPropertyOverridesItsVariable() {
        Properties p = new Properties();
        p.setProperty("ivbot.port", "7070");
        p.setProperty("ivbot.dev.login", "false");
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("IVBOT_PORT", "9090"), p);
        assertThat(c.port()).isEqualTo(7070);
        assertThat(c.devLogin()).isFalse();
    }

    @Test
    void theLauncherServesTheDemoKbFolderSoThatEditsReachTheServer() {
        Path home = Path.of("..").toAbsolutePath().normalize();
        assertThat(from(Map.of("IVBOT_HOME", home.toString())).knowledgeBase())
                .contains(home.resolve("examples/hr-demo-kb"));
        assertThat(from(Map.of("IVBOT_HOME", "/no/such/home")).knowledgeBase()).isEmpty();
        assertThat(from(Map.of("IVBOT_HOME", home.toString(), "IVBOT_KB", "/srv/kb")).knowledgeBase())
                .contains(Path.of("/srv/kb"));
    }

    @Test
    void noneForcesTheRules() {
        assertThat(from(Map.of("IVBOT_MODEL_REPO", "none")).modelMode()).isEqualTo(ServerConfig.ModelMode.RULES);
    }

    @Test
    void badValuesNameTheirVariable() {
        assertThatThrownBy(() -> from(Map.of("IVBOT_PORT", "eighty"))).hasMessageContaining("IVBOT_PORT");
        assertThatThrownBy(() -> from(Map.of("IVBOT_PORT", "70000"))).hasMessageContaining("IVBOT_PORT");
        assertThatThrownBy(() -> from(Map.of("IVBOT_JWT_HMAC_SECRET", "short"))).hasMessageContaining("IVBOT_JWT_HMAC_SECRET");
        assertThatThrownBy(() -> from(Map.of("IVBOT_REDIS_URI", "localhost:6379"))).hasMessageContaining("IVBOT_REDIS_URI");
        assertThatThrownBy(() -> from(Map.of("IVBOT_DEADLINE_MS", "0"))).hasMessageContaining("IVBOT_DEADLINE_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_SESSION_TTL_S", "-1"))).hasMessageContaining("IVBOT_SESSION_TTL_S");
        assertThatThrownBy(() -> from(Map.of("IVBOT_DEV_LOGIN", "maybe"))).hasMessageContaining("IVBOT_DEV_LOGIN");
        assertThatThrownBy(() -> from(Map.of("IVBOT_BODY_TIMEOUT_MS", "10"))).hasMessageContaining("IVBOT_BODY_TIMEOUT_MS");
        assertThatThrownBy(() -> from(Map.of("IVBOT_MIN_BODY_RATE", "-1"))).hasMessageContaining("IVBOT_MIN_BODY_RATE");
        assertThatThrownBy(() -> from(Map.of("IVBOT_JWT_PUBLIC_KEY_PEM", "/no/such/file.pem")))
                .hasMessageContaining("IVBOT_JWT_PUBLIC_KEY_PEM");
    }

    @Test
    void anRsaPublicKeyIsAcceptedAndTheDevLoginStaysOff() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("IVBOT_JWT_PUBLIC_KEY_PEM", pem,
                "IVBOT_JWT_ISSUER", "portal", "IVBOT_PORT", "0", "IVBOT_MODEL_REPO", "none"), new Properties());
        assertThat(config.devLogin()).isFalse();
        assertThat(config.acceptsHmac()).isFalse();
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("IVBOT_JWT_PUBLIC_KEY_PEM", pem,
                "IVBOT_DEV_LOGIN", "true"), new Properties())).hasMessageContaining("IVBOT_JWT_HMAC_SECRET");

        try (ChatServer server = ChatServer.start(config)) {
            TestHttp http = new TestHttp(server.uri());
            String token = JWT.create().withSubject("portal-user").withIssuer("portal")
                    .withExpiresAt(Instant.now().plusSeconds(300))
                    .sign(Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate()));
            assertThat(http.post("/api/chat", token, Map.of("sessionId", "rsa-1", "text", "年假有几天")).status())
                    .isEqualTo(200);
            String wrongIssuer = JWT.create().withSubject("portal-user").withIssuer("elsewhere")
                    .withExpiresAt(Instant.now().plusSeconds(300))
                    .sign(Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate()));
            assertThat(ChatApiTest.assertError(http.post("/api/chat", wrongIssuer, Map.of("sessionId", "rsa-2",
                    "text", "年假有几天")), 401, "unauthorized").get("reason").asText()).isEqualTo("WRONG_ISSUER");
            // an HS256 token cannot get in where only the RSA key is configured
            String hmac = JWT.create().withSubject("x").withIssuer("portal").withExpiresAt(Instant.now().plusSeconds(300))
                    .sign(Algorithm.HMAC256(config.hmacSecret()));
            assertThat(http.post("/api/chat", hmac, Map.of("sessionId", "rsa-3", "text", "年假")).status()).isEqualTo(401);
            // and the dev login is not served
            assertThat(http.post("/dev/login", null, Map.of("user", "mallory")).status()).isEqualTo(404);
        }
    }
}
