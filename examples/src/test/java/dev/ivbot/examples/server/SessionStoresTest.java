package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ivbot.internal.InMemorySessionStore;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.redis.RedisSessionStoreOptions;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The server builds its session store from its settings, and hands the Redis ones on unchanged. */
class SessionStoresTest {

    private static ServerConfig redisSettings(String uri) {
        return ServerConfig.fromEnvironment(Map.of(
                "IVBOT_REDIS_URI", uri,
                "IVBOT_SESSION_TTL_S", "900",
                "IVBOT_REDIS_FAILOVER_BUFFER_MS", "7500",
                "IVBOT_REDIS_COMMAND_TIMEOUT_MS", "750",
                "IVBOT_REDIS_REPLICA_ACKS", "0",
                "IVBOT_REDIS_IN_DOUBT_LIMIT_MS", "40000",
                "IVBOT_MAX_SESSIONS_PER_USER", "7"), new Properties());
    }

    private static void assertCarriesTheSettings(RedisSessionStoreOptions options) {
        assertThat(options.ttl()).isEqualTo(Duration.ofSeconds(900));
        assertThat(options.failoverBuffer()).isEqualTo(Duration.ofMillis(7500));
        assertThat(options.commandTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(options.replicaAcks()).isZero();
        assertThat(options.inDoubtLimit()).isEqualTo(Duration.ofSeconds(40));
        assertThat(options.maximumSessionsPerUser()).isEqualTo(7);
    }

    @Test
    void theRedisOptionsCarryTheServersSettings() {
        assertCarriesTheSettings(SessionStores.redisOptions(redisSettings("redis://127.0.0.1:6379")));
        // unset, they are the store's own defaults
        RedisSessionStoreOptions defaults = SessionStores.redisOptions(ServerConfig.builder().build());
        RedisSessionStoreOptions store = RedisSessionStoreOptions.create();
        assertThat(defaults.failoverBuffer()).isEqualTo(store.failoverBuffer());
        assertThat(defaults.commandTimeout()).isEqualTo(store.commandTimeout());
        assertThat(defaults.replicaAcks()).isEqualTo(store.replicaAcks());
        assertThat(defaults.inDoubtLimit()).isEqualTo(store.inDoubtLimit());
        assertThat(defaults.maximumSessionsPerUser()).isEqualTo(store.maximumSessionsPerUser());
    }

    @Test
    void theInMemoryStoreGetsTheServersPerUserCap() {
        try (SessionStore store = SessionStores.create(ServerConfig.builder().maxSessionsPerUser(3).build())) {
            assertThat(((InMemorySessionStore) store).maximumSessionsPerUser()).isEqualTo(3);
        }
    }

    @Test
    void theServerPassesTheSettingsToTheRedisStoreItBuilds() throws Exception {
        assumeTrue(onPath("redis-server"), "redis-server is not on the PATH (scripts/install-test-deps.sh installs it)");
        int port = freePort();
        Path dir = Files.createTempDirectory("ivbot-sessionstores-test");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            awaitListening(redis, port, Duration.ofSeconds(30));
            try (SessionStore store = SessionStores.create(redisSettings("redis://127.0.0.1:" + port))) {
                assertThat(store).isInstanceOf(RedisSessionStore.class);
                RedisSessionStore redisStore = (RedisSessionStore) store;
                assertCarriesTheSettings(redisStore.options());
                assertThat(redisStore.replicaAcks()).as("0 as configured, not auto").isZero();
                // and it is a working store on those settings
                SessionState state = SessionState.empty("sessionstores-test", "u1", 1).next(null, "zh", Map.of(),
                        new SessionState.TurnRecord(1, null, "hi"), 2);
                assertThat(store.save(state).toCompletableFuture().join()).isEqualTo(SaveOutcome.SAVED);
                assertThat(store.load("sessionstores-test").toCompletableFuture().join()).contains(state);
            }
        } finally {
            redis.destroyForcibly();
            redis.waitFor();
        }
    }

    @Test
    void withoutARedisUriSessionsStayInMemoryWithTheServersTtl() {
        try (SessionStore store = SessionStores.create(ServerConfig.builder().sessionTtl(Duration.ofSeconds(120)).build())) {
            assertThat(store).isInstanceOf(InMemorySessionStore.class);
            assertThat(store.ttl()).isEqualTo(Duration.ofSeconds(120));
            assertThat(((InMemorySessionStore) store).maximumSessionsPerUser())
                    .isEqualTo(SessionStore.DEFAULT_MAX_SESSIONS_PER_USER);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(Process redis, int port, Duration timeout) {
        await("redis-server to listen on " + port).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class)
                .failFast("redis-server exited", () -> !redis.isAlive())
                .until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                        return true;
                    }
                });
    }
}
