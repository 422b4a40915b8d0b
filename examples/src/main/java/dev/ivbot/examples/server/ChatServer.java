package dev.ivbot.examples.server;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.KnowledgeBaseWatcher;
import dev.ivbot.redis.RedisReviewQueue;
import dev.ivbot.review.ReviewRecorder;
import dev.ivbot.review.ReviewService;
import dev.ivbot.spi.ReviewQueue;
import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import dev.ivbot.micrometer.DialogEngineMetrics;
import dev.ivbot.micrometer.ModelVersionMeters;
import dev.ivbot.security.JwtVerifier;
import dev.ivbot.spi.SessionStore;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat server: one {@link DialogEngine} behind a Jakarta Servlet app on embedded Jetty.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code POST /api/chat}</td><td>Bearer JWT; {@code {sessionId, text, choice?}} -> the reply</td></tr>
 *   <tr><td>{@code POST /api/sessions/{id}/heartbeat}</td><td>renews the session's TTL -> {@code {sessionId, alive}}</td></tr>
 *   <tr><td>{@code DELETE /api/sessions/{id}}</td><td>ends the session -> {@code {sessionId, ended}}</td></tr>
 *   <tr><td>{@code GET /api/review/...}</td><td>operators only: the review queue's clusters and the actions on
 *       them ({@link ReviewServlet}); {@code GET /review.html} is its page</td></tr>
 *   <tr><td>{@code GET /api/model}, {@code POST /api/model/canary|promote|rollback}</td><td>operators only: the
 *       serving version, the canary and each version's figures, and the rollout decisions ({@link ModelServlet})</td></tr>
 *   <tr><td>{@code GET /health}</td><td>store, classifier and KB status; 503 while the store is unreachable</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>Prometheus text</td></tr>
 *   <tr><td>{@code POST /dev/login}</td><td>{@code {user, track?}} -> a demo token (only with the dev login on)</td></tr>
 *   <tr><td>{@code GET /}</td><td>the chat page</td></tr>
 * </table>
 *
 * <p>Every error is the API's JSON {@code {"code", "message"}}, Jetty's own included
 * ({@link JsonErrorHandler}). Request bodies are read without holding a thread, and must arrive
 * within {@link ServerConfig#bodyTimeout()} and at {@link ServerConfig#minBodyRate()} or faster
 * ({@link JsonBodyReader}), so slow clients cannot take Jetty's threads from everyone else.
 *
 * <p>Thread-safe. {@link #close()} stops Jetty and the KB watcher, then closes the engine, the model
 * and the store, in that order: each after everything that uses it.
 */
public final class ChatServer implements AutoCloseable {
    /**
     * Largest request line and header block, in bytes (Jetty's default is 8 KiB). Room for a bearer
     * token of {@link JwtVerifier#MAX_TOKEN_LENGTH} characters and the usual headers, so that an
     * over-long token meets the verifier's {@code TOO_LONG} (401) and only a bigger header block
     * the connection's 431.
     */
    public static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;
    /**
     * A connection silent this long is closed: between requests, inside a header block or a body
     * (Jetty's default, stated). Bodies have the tighter {@link ServerConfig#bodyTimeout()}.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    private final ServerConfig config;
    private final DialogEngine engine;
    private final PrometheusMeterRegistry registry;
    private final @Nullable KnowledgeBaseWatcher watcher;
    private final Classifiers.Setup classifiers;
    private final SessionStore store;
    private final ReviewQueue reviewQueue;
    private final Server jetty;
    private final URI uri;

    private ChatServer(ServerConfig config, DialogEngine engine, Classifiers.Setup classifiers, SessionStore store,
            ReviewQueue reviewQueue, PrometheusMeterRegistry registry, @Nullable KnowledgeBaseWatcher watcher, Server jetty, URI uri) {
        this.config = config;
        this.engine = engine;
        this.classifiers = classifiers;
        this.store = store;
        this.reviewQueue = reviewQueue;
        this.registry = registry;
        this.watcher = watcher;
        this.jetty = jetty;
        this.uri = uri;
    }

    /**
     * The connector's HTTP settings. Jetty's per-connection header cache is off: it keeps header
     * values that repeat on a connection, but behind a load balancer each request on a connection
     * carries another user's bearer token, so the cache filled up and was wiped (its whole table)
     * every few requests: 26 % of the request threads' CPU samples in the HTTP benchmark, and the
     * chat turn's rate rose by a fifth to double without it (docs/benchmarks.md).
     */
    static HttpConfiguration httpConfiguration() {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setHeaderCacheSize(0);
        return http;
    }

    /** Builds the engine and starts serving; returns once the port is bound. */
    public static ChatServer start(ServerConfig config) throws Exception {
        return start(config, SessionStores.create(config));
    }

    /**
     * As {@link #start(ServerConfig)}, with a session store of the host's own instead of the one
     * {@link ServerConfig#redisUri()} names. The server owns {@code store} and closes it.
     */
    public static ChatServer start(ServerConfig config, SessionStore store) throws Exception {
        KnowledgeBase kb;
        try {
            kb = KnowledgeBases.load(config);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        DialogEngineMetrics metrics = DialogEngineMetrics.create(Tags.of("app", "ivbot-examples"));
        ReviewQueue reviewQueue;
        try {
            reviewQueue = reviewQueue(config);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        DialogEngine.Builder builder = DialogEngine.builder()
                .knowledgeBase(kb)
                .sessionStore(store)
                .classifierDeadline(config.deadline())
                .listener(metrics)
                .listener(ReviewRecorder.builder(reviewQueue).build())
                .failureAlarm(DialogEngine.DEFAULT_FAILURE_ALARM_THRESHOLD, DialogEngine.DEFAULT_FAILURE_WINDOW,
                        (raised, rate, turns) -> {
                            if (raised) {
                                LOG.warn("failure-rate alarm RAISED: {} of {} turns failed", String.format("%.1f%%", rate * 100), turns);
                            } else {
                                LOG.info("failure-rate alarm cleared: {} of {} turns failed", String.format("%.1f%%", rate * 100), turns);
                            }
                        });
        Classifiers.Setup classifiers;
        try {
            classifiers = Classifiers.configure(builder, config, kb);
        } catch (RuntimeException e) {
            reviewQueue.close();
            store.close();
            throw e;
        }
        // each model version's figures (a canary beside the stable version) as meters tagged with the version
        ModelVersionMeters versionMeters = classifiers.model() == null ? null
                : ModelVersionMeters.of(classifiers.model().classifier()::metrics, Tags.of("app", "ivbot-examples"));
        if (versionMeters != null) {
            builder.listener(versionMeters);
        }
        DialogEngine engine;
        try {
            engine = builder.build();
        } catch (RuntimeException e) {
            classifiers.close();
            reviewQueue.close();
            store.close();
            throw e;
        }
        KnowledgeBaseWatcher watcher = null;
        Server jetty = null;
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.monitor(engine).bindTo(registry);
            if (versionMeters != null) {
                versionMeters.bindTo(registry);
            }
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);

            if (config.knowledgeBase().isPresent()) {
                watcher = KnowledgeBaseWatcher.start(engine, config.knowledgeBase().get(), Duration.ofSeconds(2));
            }
            JwtVerifier verifier = verifier(config);
            ReviewService review = null;
            KnowledgeBaseWatcher kbWatcher = watcher;
            if (kbWatcher != null && Files.isDirectory(config.knowledgeBase().get()) && classifiers.model() != null) {
                review = ReviewService.builder().knowledgeBase(config.knowledgeBase().get()).queue(reviewQueue)
                        .embedder(classifiers.model().classifier()::embed)
                        // the watcher would see the edit within its interval; checking now starts the retrain at once
                        .onChange(edited -> kbWatcher.checkNow())
                        .build();
            }

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("ivbot-http");
            jetty = new Server(threads);
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(httpConfiguration()));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
            jetty.addConnector(connector);
            jetty.setErrorHandler(new JsonErrorHandler());
            JsonBodyReader bodies = new JsonBodyReader(jetty.getScheduler(), config.bodyTimeout(), config.minBodyRate());

            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.setErrorHandler(new JsonErrorHandler());
            ServletHolder api = new ServletHolder("api", new ApiServlet(engine, verifier, bodies));
            // neither the body's bytes nor a turn waiting for Redis or the model hold a Jetty thread
            api.setAsyncSupported(true);
            context.addServlet(api, "/api/*");
            OperatorAuth operators = new OperatorAuth(verifier, config);
            ServletHolder reviewApi = new ServletHolder("review", new ReviewServlet(operators, bodies, review));
            reviewApi.setAsyncSupported(true);
            context.addServlet(reviewApi, "/api/review/*");
            ServletHolder modelApi = new ServletHolder("model", new ModelServlet(operators, bodies,
                    classifiers.model() == null ? null : classifiers.model().classifier()));
            modelApi.setAsyncSupported(true);
            context.addServlet(modelApi, "/api/model/*");
            context.addServlet(new ServletHolder("health", new HealthServlet(engine, classifiers.description())), "/health/*");
            context.addServlet(new ServletHolder("metrics", new MetricsServlet(registry, () -> {
                metrics.refresh();
                if (versionMeters != null) {
                    versionMeters.refresh();
                }
            })), "/metrics");
            if (config.devLogin()) {
                ServletHolder login = new ServletHolder("dev-login", new DevLoginServlet(config, bodies));
                login.setAsyncSupported(true); // it reads a body, which may trickle
                context.addServlet(login, "/dev/login");
            }
            context.addServlet(new ServletHolder("static", new StaticServlet(config.devLogin())), "/");
            jetty.setHandler(context);
            jetty.setStopAtShutdown(false);
            jetty.start();

            String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
            URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort());
            LOG.info("ivbot chat server on {} ({}, KB '{}', {} intents, classifier: {})", uri, config, kb.name(),
                    kb.intents().size(), classifiers.description());
            return new ChatServer(config, engine, classifiers, store, reviewQueue, registry, watcher, jetty, uri);
        } catch (Exception | Error e) {
            if (jetty != null) {
                try {
                    jetty.stop();
                } catch (Exception stop) {
                    e.addSuppressed(stop);
                }
            }
            if (watcher != null) {
                watcher.close();
            }
            engine.close();
            classifiers.close();
            reviewQueue.close();
            store.close();
            throw e;
        }
    }

    /** The review queue: in Redis beside the sessions when the sessions are there, else in memory. */
    private static ReviewQueue reviewQueue(ServerConfig config) {
        return config.redisUri().map(uri -> (ReviewQueue) RedisReviewQueue.create(RedisURI.create(uri)))
                .orElseGet(ReviewQueue::inMemory);
    }

    /** The verifier of bearer tokens: the configured key, or the HMAC secret the dev login signs with. */
    static JwtVerifier verifier(ServerConfig config) {
        JwtVerifier.Builder b = JwtVerifier.builder().claimToSlot("track", "track");
        if (config.acceptsHmac()) {
            b.hmacSecret(config.hmacSecret());
        }
        config.publicKeyPem().ifPresent(pem -> {
            if (isRsa(pem)) {
                b.rsaPublicKeyPem(pem);
            } else {
                b.ecPublicKeyPem(pem);
            }
        });
        config.issuer().ifPresent(b::issuer);
        config.audience().ifPresent(b::audience);
        return b.build();
    }

    private static boolean isRsa(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        return uri;
    }

    public DialogEngine engine() {
        return engine;
    }

    /** The model lifecycle when the server serves a model (hybrid), else empty. */
    public java.util.Optional<dev.ivbot.onnx.ModelLifecycle> model() {
        return java.util.Optional.ofNullable(classifiers.model());
    }

    /** The review queue the engine's turns are recorded into. */
    public ReviewQueue reviewQueue() {
        return reviewQueue;
    }

    public ServerConfig config() {
        return config;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping Jetty failed: {}", e.toString());
        }
        if (watcher != null) {
            watcher.close();
        }
        engine.close();
        classifiers.close();
        reviewQueue.close();
        store.close();
        registry.close();
    }
}
