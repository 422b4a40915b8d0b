package dev.ivbot.examples.bench;

import com.auth0.jwt.algorithms.Algorithm;
import dev.ivbot.benchmarks.http.HttpTurnBenchmark;
import dev.ivbot.examples.server.ChatServer;
import dev.ivbot.examples.server.ServerConfig;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code ./ivbot bench --scenario http [--server servlet]}: {@link HttpTurnBenchmark} against the servlet
 * example server, started in this process on a loopback port with HMAC JWTs (a random secret per run)
 * and dev login off.
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
public final class HttpBenchmark {

    private HttpBenchmark() {}

    /** {@code ./ivbot bench --scenario http ...}; exit status 2 on a bad option. */
    public static void main(String[] args) throws Exception {
        HttpTurnBenchmark.main(args, "servlet", HttpBenchmark::start);
    }

    /** Runs the benchmark against a servlet server of its own; prints progress and the result line to {@code out}. */
    public static HttpTurnBenchmark.Result run(HttpTurnBenchmark.Options options, PrintStream out) throws Exception {
        return HttpTurnBenchmark.run(options, out, HttpBenchmark::start);
    }

    private static HttpTurnBenchmark.Server start(HttpTurnBenchmark.Options options, @Nullable String redisUri)
            throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ServerConfig.Builder config = ServerConfig.builder().port(0).hmacSecret(secret).devLogin(false);
        if (options.classifier().equals("rules")) {
            config.rulesOnly();
        } else {
            config.modelRepository(Objects.requireNonNull(options.modelRepository()));
        }
        if (redisUri != null) {
            config.redisUri(redisUri);
        }
        ChatServer server = ChatServer.start(config.build());
        return new HttpTurnBenchmark.Server(server.uri(), server.engine(), Algorithm.HMAC256(secret), "/health/live",
                server);
    }
}
