package dev.ivbot.examples.springbench;

import com.auth0.jwt.algorithms.Algorithm;
import dev.ivbot.DialogEngine;
import dev.ivbot.benchmarks.http.HttpTurnBenchmark;
import dev.ivbot.examples.spring.ChatApplication;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code ./ivbot bench --scenario http --server spring}: {@link HttpTurnBenchmark} against the Spring Boot
 * example app as it ships ({@code application.properties}, Tomcat, Spring Security's resource server,
 * Actuator and Prometheus), started in this process on a loopback port. The JWTs are RS256, signed with
 * a key pair made for the run, whose public half the app is given as a portal's would be
 * ({@code spring.security.oauth2.resourceserver.jwt.public-key-location}). The bare endpoint,
 * {@code GET /bench/bare}, is a controller returning a constant JSON object through the same Tomcat,
 * filter chain (security, observation) and Spring MVC.
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
public final class SpringHttpBenchmark {

    private SpringHttpBenchmark() {}

    /** {@code ./ivbot bench --scenario http --server spring ...}; exit status 2 on a bad option. */
    public static void main(String[] args) throws Exception {
        HttpTurnBenchmark.main(args, "spring", SpringHttpBenchmark::start);
    }

    /** Runs the benchmark against an app of its own; prints progress and the result line to {@code out}. */
    public static HttpTurnBenchmark.Result run(HttpTurnBenchmark.Options options, PrintStream out) throws Exception {
        return HttpTurnBenchmark.run(options, out, SpringHttpBenchmark::start);
    }

    /** The trivial endpoint the chat turn is compared with. */
    @RestController
    public static class BareEndpoint {
        @GetMapping("/bench/bare")
        public Map<String, String> bare() {
            return Map.of("status", "UP");
        }
    }

    private static HttpTurnBenchmark.Server start(HttpTurnBenchmark.Options options, @Nullable String redisUri)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path pem = Files.createTempFile("ivbot-bench-jwt", ".pem");
        ConfigurableApplicationContext context;
        try {
            Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            // command-line arguments: they take precedence over the app's application.properties
            List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.dev.ivbot=INFO",
                    "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + pem.toUri(),
                    "--ivbot.classifier.mode=" + (options.classifier().equals("model") ? "hybrid" : "rules")));
            if (options.classifier().equals("model")) {
                args.add("--ivbot.classifier.model-repository=" + Objects.requireNonNull(options.modelRepository()));
            }
            if (redisUri != null) {
                args.addAll(List.of("--ivbot.session.redis=true", "--spring.data.redis.url=" + redisUri));
            }
            context = new SpringApplicationBuilder(ChatApplication.class, BareEndpoint.class).main(ChatApplication.class)
                    .run(args.toArray(String[]::new));
        } catch (Exception | Error e) {
            Files.deleteIfExists(pem);
            throw e;
        }
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new HttpTurnBenchmark.Server(URI.create("http://127.0.0.1:" + port), context.getBean(DialogEngine.class),
                Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate()), "/bench/bare",
                () -> {
                    try {
                        context.close();
                    } finally {
                        Files.deleteIfExists(pem);
                    }
                });
    }
}
