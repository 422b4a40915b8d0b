package dev.ivbot.redis;

import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.SessionStoreConformanceKit;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Redis store against the shared conformance kit, on a real server; time passes for real (1 s TTL). */
class RedisSessionStoreConformanceIntegrationTest extends SessionStoreConformanceKit {

    private static RedisProcesses redis;
    private static RedisProcesses.Node server;

    @BeforeAll
    static void startServer() {
        redis = new RedisProcesses();
        server = redis.server();
    }

    @AfterAll
    static void stopServer() {
        redis.close();
    }

    @Override
    protected SessionStore createStore(Duration ttl) {
        return RedisSessionStore.builder().uri(server.uri())
                .options(RedisSessionStoreOptions.builder().ttl(ttl).build()).build();
    }

    @Override
    protected void advancePast(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis() + 20); // Redis keeps real time: there is no clock to move
    }

    @Override
    protected Duration expiryTtl() {
        return Duration.ofSeconds(1);
    }
}
